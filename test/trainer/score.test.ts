import {describe, expect, it} from 'vitest';
import {DEFAULT_SCORE, basketWeights, cosine, mostBoughtLists, rankCompanions, withDiscovery} from '../../trainer/score';
import {fillCounts, publishLists} from '../../trainer/companions';
import {rankPartners, type RankedLists} from '../../trainer/pairs';
import {itemFrequencies} from '../../trainer/load';
import type {Embeddings} from '../../trainer/embed';
import {pairSimilarities} from '../../trainer/pipeline';
import {basketsOf, randomBaskets} from './helpers';
import {trainingOrders} from '../../trainer/training-set';

/** tea is bought with cup 12 times and with jam 10 times; the embeddings put jam next to tea. */
const baskets = basketsOf([...Array.from({length: 12}, () => ['tea', 'cup']), ...Array.from({length: 10}, () => ['tea', 'jam']), ['cup'], ['jam']]);
const id = (name: string) => baskets.itemIds.indexOf(name);
const dim = 2;
const vectors = new Float32Array(baskets.itemIds.length * dim);
vectors.set([1, 0], id('tea') * dim);
vectors.set([0.8, 0.6], id('jam') * dim);
vectors.set([0, 1], id('cup') * dim);
const embeddings: Embeddings = {vectors, dim, seconds: 0};
const plain = {...DEFAULT_SCORE, shrink: 0, sizeWeight: 'order' as const, popularCandidates: 0};

function firstFor(anchor: string, weight: number, e?: Embeddings): string {
  const lists = rankCompanions(trainingOrders(baskets), {...plain, embeddingWeight: weight}, 5, {embeddings: e});
  return baskets.itemIds[lists.items[lists.offsets[id(anchor)]]];
}

describe('embedding weight in the companion score', () => {
  it.each([
    ['weight 0 keeps co-count order', 0, embeddings, 'cup'],
    ['no embeddings keeps co-count order', 2, undefined, 'cup'],
    ['a small weight cannot overturn 12 vs 10 orders', 0.1, embeddings, 'cup'],
    ['a larger weight lifts the embedding neighbour', 2, embeddings, 'jam'],
  ] as const)('%s', (_name, weight, e, expected) => {
    expect(firstFor('tea', weight, e)).toBe(expected);
  });

  it.each([
    ['tea', 'jam', 0.8],
    ['tea', 'cup', 0],
    ['jam', 'cup', 0.6],
  ])('cosine(%s, %s) = %d', (a, b, expected) => {
    expect(cosine(embeddings, id(a), id(b))).toBeCloseTo(expected, 6);
  });

  it('pairSimilarities lines up with the published pairs', () => {
    // tea's list is [jam, cup]; every other product's list is empty.
    const offsets = Uint32Array.from({length: baskets.itemIds.length + 1}, (_, i) => (i <= id('tea') ? 0 : 2));
    const companions = {offsets, items: Uint32Array.from([id('jam'), id('cup')]), scores: new Float64Array(2), counts: new Uint32Array(2), sources: new Uint8Array(2)};
    const sims = pairSimilarities(companions, embeddings);
    expect(Array.from(sims)).toEqual([expect.closeTo(0.8, 6), 0]);
  });
});

describe('basket weights', () => {
  // IDCG@10 with n relevant items, by hand: 1, 1 + 1/log2(3) = 1.63093, and for n >= 10 the sum of 1/log2(i + 2), i < 10 = 4.54355.
  it.each([
    ['an order of one product (no query can use it)', 1, 'ndcg', 0],
    ['an order of two', 2, 'ndcg', 1],
    ['an order of three', 3, 'ndcg', 1 / 1.63093],
    ['an order of eleven', 11, 'ndcg', 1 / 4.54355],
    ['a wholesale order of 40 (capped at the page of 10)', 40, 'ndcg', 1 / 4.54355],
    ['any order under equal weighting', 40, 'order', 1],
  ] as const)('%s', (_name, size, sizeWeight, expected) => {
    const b = basketsOf([Array.from({length: size}, (_, i) => `p${i}`)]);
    expect(basketWeights(b, {sizeWeight, halfLifeDays: 0})[0]).toBeCloseTo(expected, 4);
  });

  it('halves the weight of an order one half-life older than the newest', () => {
    const b = basketsOf([['a', 'b'], ['a', 'b']]); // one hour apart
    const w = basketWeights(b, {sizeWeight: 'order', halfLifeDays: 1 / 24});
    expect(w[0]).toBeCloseTo(0.5, 6);
    expect(w[1]).toBe(1);
  });
});

/** Ranked lists from explicit per-anchor item arrays (scores descending, counts and weights 1). */
function ranked(perAnchor: number[][]): RankedLists {
  const offsets = new Uint32Array(perAnchor.length + 1);
  perAnchor.forEach((l, a) => (offsets[a + 1] = offsets[a] + l.length));
  const items = Uint32Array.from(perAnchor.flat());
  const scores = Float64Array.from(perAnchor.flatMap((l) => l.map((_, r) => 1 - r / 100)));
  return {offsets, items, scores, counts: new Uint32Array(items.length).fill(1), weights: new Float64Array(items.length).fill(1)};
}

const listOf = (l: RankedLists, a: number) => Array.from(l.items.subarray(l.offsets[a], l.offsets[a + 1]));

describe('withDiscovery', () => {
  // 40 products; anchors 0 and 1 have lists, the rest none.
  const empty = Array.from({length: 38}, () => [] as number[]);
  const primaryItems = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
  const score = () => 0.001;

  it.each([
    ['the last 2 of 10 places come from discovery', 2, 10, [30, 31], [10, 11, 12, 13, 14, 15, 16, 17, 30, 31]],
    ['a discovery product already listed is skipped', 2, 10, [12, 31, 32], [10, 11, 12, 13, 14, 15, 16, 17, 31, 32]],
    ['the primary fills in when discovery runs out', 3, 10, [30], [10, 11, 12, 13, 14, 15, 16, 30, 17, 18]],
    ['every page of 10 ends with the discovery places', 1, 20, [30, 31, 32], [10, 11, 12, 13, 14, 15, 16, 17, 18, 30, 19, 20, 21, 31, 32]],
  ])('%s', (_name, slots, k, discovery, expected) => {
    const primary = ranked([primaryItems, [], ...empty]);
    const d = ranked([discovery, [], ...empty]);
    expect(listOf(withDiscovery(primary, d, slots, k, score), 0)).toEqual(expected);
  });

  it('prefers a product no earlier list features, else the most bought-with', () => {
    const primary = ranked([[10, 11, 12, 13, 14, 15, 16, 17, 18], [20, 21, 22, 23, 24, 25, 26, 27, 28], [20, 21, 22, 23, 24, 25, 26, 27, 28], ...empty.slice(1)]);
    const d = ranked([[30], [30, 31], [30, 10], ...empty.slice(1)]);
    const out = withDiscovery(primary, d, 1, 10, score);
    expect(listOf(out, 0).at(-1)).toBe(30);
    expect(listOf(out, 1).at(-1)).toBe(31); // 30 is featured by anchor 0
    expect(listOf(out, 2).at(-1)).toBe(30); // 30 and 10 are both featured: the most bought-with wins
  });

  it('scores each discovery pick with the given function and leaves its inputs untouched', () => {
    const primary = ranked([primaryItems, [], ...empty]);
    const d = ranked([[30, 31], [], ...empty]);
    const before = [Array.from(primary.items), Array.from(d.items)];
    const out = withDiscovery(primary, d, 2, 10, (a, t) => 100 * a + t);
    expect(Array.from(out.scores.subarray(8, 10))).toEqual([0, 1]);
    expect([Array.from(primary.items), Array.from(d.items)]).toEqual(before);
  });
});

describe('discovery places in the companion lists', () => {
  // Eleven best sellers fill most orders; 'fig' was bought with 'brie' twice and with nine other products once
  // each, and 'y0' of those nine also sells on its own.
  const orders = [
    ...Array.from({length: 200}, (_, i) => [`x${i % 11}`, `x${(i + 1) % 11}`]),
    ['fig', 'brie'],
    ['fig', 'brie'],
    ...Array.from({length: 9}, (_, i) => ['fig', `y${i}`]),
    ...Array.from({length: 5}, () => ['y0', 'x0']),
  ];
  const b = basketsOf(orders);
  const at = (name: string) => b.itemIds.indexOf(name);
  const names = (l: RankedLists, anchor: string) => listOf(l, at(anchor)).map((i) => b.itemIds[i]);
  const top = (slots: number) => names(rankCompanions(trainingOrders(b), {...DEFAULT_SCORE, shrink: 50, discoverySlots: slots}, 10), 'fig');

  it('strong shrinkage fills a rare anchor with best sellers and pushes its real companion out', () => {
    expect(top(0)).not.toContain('brie');
  });

  it('a discovery place brings back the product bought with it most often', () => {
    expect(top(1).at(-1)).toBe('brie');
  });

  it('mostBoughtLists ranks by count and breaks ties toward the less popular product', () => {
    const l = names(mostBoughtLists(trainingOrders(b), DEFAULT_SCORE, 10), 'fig');
    expect(l[0]).toBe('brie');
    expect(l.at(-1)).toBe('y0');
  });
});

describe('fillCounts', () => {
  it.each([
    ['a scorer that drops pairs seen once (back-fill can list a real partner)', (_a: number, _b: number, c: number) => (c >= 2 ? c : 0), 8],
    ['a scorer that keeps every pair (back-fill zeros are real)', (_a: number, _b: number, c: number) => c, 30],
  ])('every published pair carries its true co-count: %s', (_name, score, k) => {
    const orders = randomBaskets(11, 300, 40, 6);
    const baskets = basketsOf(orders);
    const lists = rankPartners(baskets, k, score);
    const freq = itemFrequencies(baskets);
    const popular = Array.from(freq.keys()).sort((x, y) => freq[y] - freq[x]);
    const published = publishLists(lists, popular, () => true, k);
    fillCounts(baskets, published);
    const truth = new Map<string, number>();
    for (const o of orders) {
      const items = [...new Set(o)];
      for (const a of items) for (const b of items) if (a !== b) truth.set(`${a}>${b}`, (truth.get(`${a}>${b}`) ?? 0) + 1);
    }
    let backfilledPartners = 0;
    for (let a = 0; a < baskets.itemIds.length; a++) {
      for (let t = published.offsets[a]; t < published.offsets[a + 1]; t++) {
        const expected = truth.get(`${baskets.itemIds[a]}>${baskets.itemIds[published.items[t]]}`) ?? 0;
        expect(published.counts[t]).toBe(expected);
        if (published.sources[t] === 1 && expected > 0) backfilledPartners++;
      }
    }
    // The first case must really exercise a look-up: some back-filled best seller was bought with its anchor.
    if (k === 8) expect(backfilledPartners).toBeGreaterThan(0);
  });
});
