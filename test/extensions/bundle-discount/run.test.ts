import {describe, expect, it} from 'vitest';
import {cartLinesDiscountsGenerateRun as run} from '../../../extensions/bundle-discount/src/index.js';
import {NO_METAFIELD, config, runInput} from './fixtures';
import type {LineSpec} from './fixtures';

// The function's rules, one row each, on inputs in the documented shape; the expected value is the documented
// output (https://shopify.dev/docs/api/functions/latest/discount: operations[].productDiscountsAdd with
// candidates[{message, targets[{cartLine: {id, quantity?}}], value: {percentage: {value}}}] and selectionStrategy).

const discounted = (lines: LineSpec[], configuration?: unknown, classes?: string[]) => {
  const result = run(runInput(lines, configuration, classes));
  return result.operations.flatMap((op) => op.productDiscountsAdd.candidates.flatMap((c) => c.targets.map((t) => t.cartLine)));
};
const L = (n: number) => `gid://shopify/CartLine/${n}`;

describe('bundle discount function: the output shape', () => {
  it('gives one productDiscountsAdd with one candidate, the percentage and the message', () => {
    expect(run(runInput([{product: 1, companions: [2]}, {product: 2}], config({percentage: 15, message: 'Together: 15% off'})))).toEqual({
      operations: [{
        productDiscountsAdd: {
          candidates: [{message: 'Together: 15% off', targets: [{cartLine: {id: L(2)}}], value: {percentage: {value: 15}}}],
          selectionStrategy: 'FIRST',
        },
      }],
    });
  });
});

describe.each([
  ['a product with a companion: the companion', [{product: 1, companions: [2]}, {product: 2}], config(), [{id: L(2)}]],
  ['scope bundle: the anchor too', [{product: 1, companions: [2]}, {product: 2}], config({scope: 'bundle'}), [{id: L(1)}, {id: L(2)}]],
  ['a companion without its anchor: nothing', [{product: 2}, {product: 3}], config(), []],
  ['an anchor without companions in the cart: nothing', [{product: 1, companions: [2]}, {product: 3}], config(), []],
  ['a product listed by a product not in the cart: nothing', [{product: 2, companions: []}], config(), []],
  ['the same product twice is not a bundle', [{product: 1, companions: [1]}, {product: 1, line: L(9)}], config(), []],
  ['two lines of a companion share the anchor units', [{product: 1, quantity: 3, companions: [2]}, {product: 2, quantity: 2}, {product: 2, quantity: 2}], config(), [{id: L(2)}, {id: L(3), quantity: 1}]],
  ['quantities: 1 anchor discounts 1 of 5 companions', [{product: 1, companions: [2]}, {product: 2, quantity: 5}], config(), [{id: L(2), quantity: 1}]],
  ['quantities: 2 anchors discount 2 of 2 companions', [{product: 1, quantity: 2, companions: [2]}, {product: 2, quantity: 2}], config(), [{id: L(2)}]],
  ['two anchors of one companion add up', [{product: 1, companions: [3]}, {product: 2, companions: [3]}, {product: 3, quantity: 3}], config(), [{id: L(3), quantity: 2}]],
  ['scope bundle: the anchor up to its companions units', [{product: 1, quantity: 4, companions: [2]}, {product: 2, quantity: 1}], config({scope: 'bundle'}), [{id: L(1), quantity: 1}, {id: L(2)}]],
  ['a gift card companion is never discounted', [{product: 1, companions: [2]}, {product: 2, giftCard: true}], config(), []],
  ['a gift card anchor makes no bundle', [{product: 1, companions: [2], giftCard: true}, {product: 2}], config(), []],
  ['a $0 companion is not a bundle', [{product: 1, companions: [2]}, {product: 2, price: '0.0'}], config(), []],
  ['a $0 anchor makes no bundle', [{product: 1, price: '0', companions: [2]}, {product: 2}], config(), []],
  ['anchor and companion both ways: each a companion of the other', [{product: 1, companions: [2]}, {product: 2, companions: [1]}], config(), [{id: L(1)}, {id: L(2)}]],
  ['both ways in scope bundle: the pair counts once', [{product: 1, quantity: 2, companions: [2]}, {product: 2, quantity: 1, companions: [1]}], config({scope: 'bundle'}), [{id: L(1), quantity: 1}, {id: L(2)}]],
  ['minimum 3 items: anchor and one companion is not enough', [{product: 1, companions: [2, 3]}, {product: 2}], config({minimumItems: 3}), []],
  ['minimum 3 items: anchor and two companions', [{product: 1, companions: [2, 3]}, {product: 2}, {product: 3}], config({minimumItems: 3}), [{id: L(2)}, {id: L(3)}]],
  ['a companion listed twice counts once for the minimum', [{product: 1, companions: [2, 2]}, {product: 2}], config({minimumItems: 3}), []],
  ['a malformed companions list is ignored', [{product: 1, companions: 'gid://shopify/Product/2'}, {product: 2}], config(), []],
] as [string, LineSpec[], unknown, unknown[]][])('%s', (_name, lines, configuration, expected) => {
  it('discounts exactly those lines', () => expect(discounted(lines, configuration)).toEqual(expected));
});

describe.each([
  ['no metafield', NO_METAFIELD],
  ['a null value', {jsonValue: null}.jsonValue],
  ['an array', [10]],
  ['percentage 0', config({percentage: 0})],
  ['percentage 51', config({percentage: 51})],
  ['percentage 12.5', config({percentage: 12.5})],
  ['percentage as text', config({percentage: '10'})],
  ['an unknown scope', config({scope: 'order'})],
  ['minimum items 1', config({minimumItems: 1})],
  ['minimum items 11', config({minimumItems: 11})],
  ['no message', config({message: undefined})],
  ['a blank message', config({message: '  '})],
  ['a message over 255 characters', config({message: 'x'.repeat(256)})],
])('configuration %s', (_name, configuration) => {
  it('gives no discount and does not throw', () => {
    expect(run(runInput([{product: 1, companions: [2]}, {product: 2}], configuration))).toEqual({operations: []});
  });
});

describe('discount classes', () => {
  it('gives nothing when the discount is not of class PRODUCT', () => {
    expect(discounted([{product: 1, companions: [2]}, {product: 2}], config(), ['ORDER', 'SHIPPING'])).toEqual([]);
  });
  it('applies on the upper bounds of the configuration', () => {
    expect(run(runInput([{product: 1, companions: [2]}, {product: 2}], config({percentage: 50, minimumItems: 2}))).operations).toHaveLength(1);
  });
});
