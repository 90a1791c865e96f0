import {describe, expect, it} from 'vitest';
import {forEachAnchor, rankPartners} from '../../trainer/pairs';
import {basketsOf, randomBaskets} from './helpers';

/** The obvious O(n^2)-per-basket reference with string keys. */
function naiveCounts(orders: string[][]): Map<string, number> {
  const m = new Map<string, number>();
  for (const o of orders) {
    const items = [...new Set(o)];
    for (const a of items) for (const b of items) if (a !== b) m.set(`${a}>${b}`, (m.get(`${a}>${b}`) ?? 0) + 1);
  }
  return m;
}

function kernelCounts(orders: string[][]): Map<string, number> {
  const baskets = basketsOf(orders);
  const m = new Map<string, number>();
  forEachAnchor(baskets, ({anchor, partners, n, count}) => {
    for (let t = 0; t < n; t++) m.set(`${baskets.itemIds[anchor]}>${baskets.itemIds[partners[t]]}`, count[partners[t]]);
  });
  return m;
}

describe('pair kernel', () => {
  it.each([
    ['toy', [['a', 'b', 'c'], ['a', 'b'], ['b', 'c'], ['a', 'a', 'b']]],
    ['single-item and empty-ish orders', [['a'], ['b'], ['a', 'b']]],
  ])('counts co-occurrences of %s baskets like the naive reference', (_name, orders) => {
    expect(kernelCounts(orders)).toEqual(naiveCounts(orders));
  });

  it('toy counts by hand: a-b in 3 orders, b-c in 2, a-c in 1', () => {
    const m = kernelCounts([['a', 'b', 'c'], ['a', 'b'], ['b', 'c'], ['a', 'a', 'b']]);
    expect([m.get('a>b'), m.get('b>c'), m.get('a>c'), m.get('c>a')]).toEqual([3, 2, 1, 1]);
  });

  it.each([1, 2, 3, 4, 5])('matches the naive reference on random baskets (seed %i)', (seed) => {
    const orders = randomBaskets(seed, 400, 60, 12);
    expect(kernelCounts(orders)).toEqual(naiveCounts(orders));
  });

  it.each([1, 3, 20])('rankPartners keeps the top %i by score, ties to the larger count then first met', (k) => {
    const orders = randomBaskets(7, 300, 40, 8);
    const baskets = basketsOf(orders);
    const counts = naiveCounts(orders);
    const lists = rankPartners(baskets, k, (_a, _b, c) => c);
    for (let a = 0; a < baskets.itemIds.length; a++) {
      const got = Array.from(lists.items.subarray(lists.offsets[a], lists.offsets[a + 1]));
      const id = baskets.itemIds[a];
      const expected = baskets.itemIds
        .map((other, j) => ({j, c: counts.get(`${id}>${other}`) ?? 0}))
        .filter((x) => x.c > 0)
        .sort((x, y) => y.c - x.c);
      expect(got.length).toBe(Math.min(k, expected.length));
      // Scores equal to counts: the kept counts are the k largest.
      expect(got.map((j) => counts.get(`${id}>${baskets.itemIds[j]}`))).toEqual(expected.slice(0, k).map((x) => x.c));
    }
  });

  it('weights baskets when asked', () => {
    const baskets = basketsOf([['a', 'b'], ['a', 'b', 'c']]);
    const seen: number[] = [];
    forEachAnchor(baskets, ({anchor, weight}) => anchor === 0 && seen.push(weight[1]), {basketWeight: Float64Array.of(1, 0.25)});
    expect(seen).toEqual([1.25]);
  });
});
