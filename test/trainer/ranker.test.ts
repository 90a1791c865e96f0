import {describe, expect, it} from 'vitest';
import {DEFAULT_SCORE, RANKER_FEATURES, rankCompanions, rankerFeaturizer} from '../../trainer/score';
import {alternateSplit} from '../../trainer/evaluate';
import {BasketBuilder} from '../../trainer/load';
import {fitRanker} from '../../trainer/ranker';
import {basketsOf, randomBaskets} from './helpers';
import {selectBackend} from '../../trainer/backend';
import {seededRandom} from '../../domain/random';
import {trainingOrders} from '../../trainer/training-set';

/** Baskets of [product, price] lines, an hour apart. */
function pricedBaskets(orders: [string, number][][]) {
  const builder = new BasketBuilder();
  orders.forEach((lines, o) => {
    const order = builder.order(`o${o}`, Date.UTC(2024, 0, 1) + o * 3_600_000);
    for (const [id, price] of lines) builder.line(order, builder.item(id, '', price));
  });
  return builder.build();
}

const listOf = (l: {offsets: Uint32Array; items: Uint32Array}, a: number) => Array.from(l.items.subarray(l.offsets[a], l.offsets[a + 1]));

describe('learned ranker', () => {
  it.each([
    ['the default score', {}, false],
    ['shrinkage, a half-life and embeddings in the score', {shrink: 20, halfLifeDays: 30, embeddingWeight: 0.5}, true],
  ])('with the starting weights (all on the analytic score) ranks exactly as the analytic score: %s', (_name, partial, withEmbeddings) => {
    const baskets = basketsOf(randomBaskets(4, 500, 60, 8));
    const dim = 4;
    const random = seededRandom(9);
    const vectors = Float32Array.from({length: baskets.itemIds.length * dim}, () => random() - 0.5);
    for (let i = 0; i < baskets.itemIds.length; i++) {
      const row = vectors.subarray(i * dim, (i + 1) * dim);
      const norm = Math.hypot(...row);
      row.forEach((v, j) => (row[j] = v / norm));
    }
    const embeddings = withEmbeddings ? {vectors, dim, seconds: 0} : undefined;
    const start = RANKER_FEATURES.map((_, f) => (f === 0 ? 1 : 0));
    const params = {...DEFAULT_SCORE, discoverySlots: 2, ...partial};
    const analytic = rankCompanions(trainingOrders(baskets), params, 10, {embeddings});
    const learned = rankCompanions(trainingOrders(baskets), {...params, ranker: start}, 10, {embeddings});
    expect(learned.items).toEqual(analytic.items);
    for (let t = 0; t < analytic.scores.length; t++) expect(learned.scores[t]).toBeCloseTo(analytic.scores[t], 9);
  });

  it('learns from held-out orders what the counts cannot tell: tea is bought again with the cheap biscuit, not the dear hamper', async () => {
    await selectBackend('cpu');
    // Training period: tea goes with a hamper (price 40) and a biscuit (price 2) equally often, the hamper met first.
    const train = pricedBaskets([
      ...Array.from({length: 10}, (): [string, number][] => [['tea', 2], ['hamper', 40]]),
      ...Array.from({length: 10}, (): [string, number][] => [['tea', 2], ['biscuit', 2.2]]),
      ...Array.from({length: 5}, (): [string, number][] => [['jam', 3], ['scone', 3.5]]),
      ...Array.from({length: 5}, (): [string, number][] => [['jam', 3], ['candle', 30]]),
    ]);
    // Held out: only the similarly priced companions come back.
    const heldOut = pricedBaskets([...Array.from({length: 8}, (): [string, number][] => [['tea', 2], ['biscuit', 2.2]]), ...Array.from({length: 4}, (): [string, number][] => [['jam', 3], ['scone', 3.5]])]);
    // Same item index space: heldOut was built separately, so map its ids onto train's.
    const remap = Uint32Array.from(heldOut.itemIds, (id) => train.itemIds.indexOf(id));
    const held = {...train, offsets: heldOut.offsets, items: Uint32Array.from(heldOut.items, (i) => remap[i]), timestamps: heldOut.timestamps, count: heldOut.count};
    const params = {...DEFAULT_SCORE, shrink: 0, popularCandidates: 0};
    const weights = await fitRanker(trainingOrders(train), held, params, {steps: 300, learningRate: 0.05});
    expect(weights).not.toBeNull();
    expect(weights![RANKER_FEATURES.indexOf('price_gap')]).toBeLessThan(-0.1);
    const id = (name: string) => train.itemIds.indexOf(name);
    const before = rankCompanions(trainingOrders(train), params, 5);
    const after = rankCompanions(trainingOrders(train), {...params, ranker: weights}, 5);
    expect(listOf(before, id('tea'))[0]).toBe(id('hamper'));
    expect(listOf(after, id('tea'))[0]).toBe(id('biscuit'));
    expect(listOf(after, id('jam'))[0]).toBe(id('scone'));
  });

  it.each([0, 30, 60])('sees a product rising and one fading, whatever the score half-life (%i days)', (halfLifeDays) => {
    // 200 days of orders: tea every day; scarves only in the last 20 days, sandals only in the first 100.
    const builder = new BasketBuilder();
    for (let day = 0; day < 200; day++) {
      const order = builder.order(`o${day}`, Date.UTC(2024, 0, 1) + day * 86_400_000);
      builder.line(order, builder.item('tea'));
      if (day >= 180) builder.line(order, builder.item('scarf'));
      if (day < 100) builder.line(order, builder.item('sandals'));
    }
    const baskets = builder.build();
    const featurize = rankerFeaturizer(trainingOrders(baskets), {...DEFAULT_SCORE, halfLifeDays});
    const trendOf = (name: string) => {
      const x = new Float64Array(RANKER_FEATURES.length);
      featurize(baskets.itemIds.indexOf('tea'), baskets.itemIds.indexOf(name), 1, 1, x);
      return x[RANKER_FEATURES.indexOf('trend')];
    };
    expect(trendOf('scarf')).toBeGreaterThan(0.5);
    expect(trendOf('sandals')).toBeLessThan(-0.5);
  });

  it('has nothing to learn from held-out orders that never meet a candidate', async () => {
    await selectBackend('cpu');
    const train = basketsOf([['a', 'b'], ['a', 'b'], ['c', 'd']]);
    const held = {...train, offsets: Uint32Array.from([0, 1]), items: Uint32Array.from([0]), timestamps: Float64Array.from([0]), count: 1};
    expect(await fitRanker(trainingOrders(train), held, DEFAULT_SCORE)).toBeNull();
  });
});

describe('alternateSplit', () => {
  it('deals baskets alternately into two halves that keep every order whole', () => {
    const baskets = basketsOf([['a'], ['b', 'c'], ['d'], ['e', 'f', 'g'], ['h']]);
    const [even, odd] = alternateSplit(baskets);
    const orders = (b: typeof baskets) => Array.from({length: b.count}, (_, i) => listOf({offsets: b.offsets, items: b.items}, i).map((x) => baskets.itemIds[x]).join(''));
    expect(orders(even)).toEqual(['a', 'd', 'h']);
    expect(orders(odd)).toEqual(['bc', 'efg']);
    expect(Array.from(odd.timestamps)).toEqual([baskets.timestamps[1], baskets.timestamps[3]]);
  });
});
