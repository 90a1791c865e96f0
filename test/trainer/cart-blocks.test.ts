import {describe, expect, it} from 'vitest';
import {blockLayout} from '../../trainer/cart/blocks';
import {denseProducts, fitEase} from '../../trainer/cart/ease';
import {fitCart, fitDense} from '../../trainer/cart/model';
import type {CartWeights} from '../../trainer/cart/weights';
import {trainingOrders} from '../../trainer/training-set';
import {basketsOf, randomBaskets} from './helpers';

/** Product i's rows as a map from product to weight. */
const rowOf = (w: CartWeights, i: number) => new Map(Array.from(w.items.subarray(w.offsets[i], w.offsets[i + 1]), (x, r) => [x, w.weights[w.offsets[i] + r]]));

describe('cart model blocks past the dense part', () => {
  // 90 products, skewed popularity: every product ordered twice or more is fitted, whatever the dense part.
  const orders = randomBaskets(7, 600, 90, 6);
  const baskets = basketsOf(orders);
  const set = trainingOrders(baskets);
  const {freq} = set;
  const twice = Array.from(freq.keys()).filter((x) => freq[x] >= 2);

  it("give products outside the dense part their block's weights: EASE over the core, the block and its context", () => {
    const dense = 20;
    const blocks = {size: 40, core: 10, context: 8};
    const params = {dense, lambda: 20, tailScale: 0};
    const plain = fitCart(set, params);
    const blocked = fitCart(set, {...params, blocks});
    const top = new Set(denseProducts(set, dense));
    const outside = twice.filter((x) => !top.has(x));
    expect(outside.length).toBeGreaterThan(3 * (blocks.size - blocks.core - blocks.context));
    // Without blocks and without the tail weight, the products past the dense part have no rows at all.
    expect(outside.filter((x) => plain.offsets[x + 1] > plain.offsets[x])).toEqual([]);
    expect(outside.filter((x) => blocked.offsets[x + 1] === blocked.offsets[x])).toEqual([]);

    // Each member's row is the EASE fit of the orders restricted to its block's products.
    const layout = blockLayout(baskets, freq, denseProducts(set, dense), blocks, set.index);
    expect(layout.blocks.length).toBeGreaterThan(2);
    for (const {members, context} of layout.blocks) {
      const kept = new Set([...denseProducts(set, blocks.core), ...members, ...context]);
      const sub = basketsOf(orders.map((o) => o.filter((id) => kept.has(baskets.itemIds.indexOf(id)))));
      const ease = fitEase(trainingOrders(sub), {dense: kept.size, lambda: 20});
      const n = ease.items.length;
      expect(n).toBe(kept.size);
      const subIndex = (x: number) => sub.itemIds.indexOf(baskets.itemIds[x]);
      for (const i of members) {
        const row = rowOf(blocked, i);
        const pi = ease.position[subIndex(i)];
        // A member votes for members (its block's, and another's where it is context), never for the dense part,
        // whose columns are the dense fit's.
        expect(Array.from(row.keys()).filter((x) => top.has(x))).toEqual([]);
        for (const x of members) {
          if (x === i) continue;
          expect(row.get(x) ?? 0).toBeCloseTo(ease.b[pi * n + ease.position[subIndex(x)]], 4);
        }
      }
    }
  });

  it('are the same added to a dense part fitted before (as the judge reuses it) as fitted with it', () => {
    const params = {dense: 20, lambda: 20, tailScale: 0, recency: 0.25, blocks: {size: 40, core: 10, context: 8}};
    const fresh = fitDense(set, params);
    const reused = fitDense(set, params, undefined, undefined, fitDense(set, {...params, blocks: undefined}));
    expect(reused.b).toEqual(fresh.b);
    expect(reused.blocks!.rows).toEqual(fresh.blocks!.rows);
    expect(reused.blocks!.layout).toEqual(fresh.blocks!.layout);
  });

  it('equal the dense fit of every product ordered twice when one block holds them all', () => {
    // Past 384 products the solve recurses on 2x2 blocks (solve-tf.ts) and reads both off-diagonal parts.
    const large = trainingOrders(basketsOf(randomBaskets(11, 2500, 420, 8)));
    const lfreq = large.freq;
    const seen = Array.from(lfreq.keys()).filter((x) => lfreq[x] >= 2);
    expect(seen.length).toBeGreaterThan(384);
    const params = {lambda: 20, tailScale: 0};
    const rows = 1000;
    const full = fitCart(large, {...params, dense: seen.length}, rows);
    const dense = 100;
    // One block: the whole dense part as core, every other product ordered twice as its members.
    const blocks = {size: seen.length, core: dense, context: 0};
    expect(fitDense(large, {...params, dense, blocks}).blocks!.layout.blocks.length).toBe(1);
    const weights = fitCart(large, {...params, dense, blocks}, rows);
    const top = new Set(denseProducts(large, dense));
    let compared = 0, worst = 0;
    for (const i of seen) {
      const mine = rowOf(weights, i), theirs = rowOf(full, i);
      for (const [x, w] of theirs) {
        // A dense product's column comes from the dense part's own (smaller) fit; a member's is the block's.
        if (top.has(x)) continue;
        worst = Math.max(worst, Math.abs((mine.get(x) ?? 0) - w));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5000);
    expect(worst).toBeLessThan(1e-4);
  });
});
