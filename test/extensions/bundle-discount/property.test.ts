import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {cartLinesDiscountsGenerateRun as run} from '../../../extensions/bundle-discount/src/index.js';
import {config, productGid, runInput} from './fixtures';
import type {LineSpec} from './fixtures';

// Random carts of 1-200 lines over a small catalogue (so pairs meet), random quantities, prices (including $0),
// gift cards, companion lists (including the product itself, duplicates and junk) and configurations.

const lineSpec = fc.record({
  product: fc.integer({min: 1, max: 30}),
  quantity: fc.integer({min: 1, max: 12}),
  price: fc.oneof(fc.constant('0.0'), fc.integer({min: 1, max: 500_000}).map((c) => (c / 100).toString())),
  companions: fc.oneof(fc.constant(undefined), fc.array(fc.integer({min: 1, max: 30}), {maxLength: 20}), fc.constant('junk')),
  giftCard: fc.boolean(),
});
const configuration = fc.oneof(
  fc.record({percentage: fc.integer({min: 1, max: 50}), scope: fc.constantFrom('companions', 'bundle'), minimumItems: fc.integer({min: 2, max: 4}), message: fc.constant('Together: off')}),
  fc.anything(),
);

/** What may be discounted, from the rules alone: an eligible line in a pair with another eligible product. */
function pairedProducts(lines: LineSpec[]): Set<string> {
  const eligible = lines.filter((l) => !l.giftCard && Number(l.price) > 0);
  const inCart = new Set(eligible.map((l) => l.product));
  const paired = new Set<string>();
  for (const l of eligible) {
    if (!Array.isArray(l.companions)) continue;
    for (const c of l.companions as number[]) {
      if (c === l.product || !inCart.has(c)) continue;
      paired.add(productGid(c));
      paired.add(productGid(l.product));
    }
  }
  return paired;
}

describe('bundle discount function on random carts', () => {
  it('never throws, targets only paired lines, never more units than a line holds', () => {
    fc.assert(
      fc.property(fc.array(lineSpec, {minLength: 1, maxLength: 200}), configuration, (lines, conf) => {
        const input = runInput(lines, conf);
        const result = run(input);
        const paired = pairedProducts(lines);
        const byId = new Map(input.cart.lines.map((l) => [l.id, l]));
        for (const op of result.operations) {
          expect(op.productDiscountsAdd.selectionStrategy).toBe('FIRST');
          for (const candidate of op.productDiscountsAdd.candidates) {
            expect(candidate.value.percentage.value).toBeGreaterThanOrEqual(1);
            expect(candidate.value.percentage.value).toBeLessThanOrEqual(50);
            for (const {cartLine} of candidate.targets) {
              const target = byId.get(cartLine.id)!;
              expect(paired.has(target.merchandise.product!.id)).toBe(true);
              expect(target.merchandise.product!.isGiftCard).toBe(false);
              expect(cartLine.quantity ?? target.quantity).toBeLessThanOrEqual(target.quantity);
              expect(cartLine.quantity ?? 1).toBeGreaterThanOrEqual(1);
            }
          }
        }
      }),
      {numRuns: 300},
    );
  });

  it('gives nothing for a cart without a pair, whatever the configuration', () => {
    fc.assert(
      fc.property(fc.array(lineSpec.map((l) => ({...l, companions: undefined})), {minLength: 1, maxLength: 200}), configuration, (lines, conf) => {
        expect(run(runInput(lines, conf ?? config()))).toEqual({operations: []});
      }),
      {numRuns: 100},
    );
  });
});
