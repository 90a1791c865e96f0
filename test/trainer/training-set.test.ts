import {describe, expect, it, vi} from 'vitest';
import type {Baskets} from '../../trainer/load';
import {BasketBuilder, itemFrequencies} from '../../trainer/load';
import {transpose} from '../../trainer/pairs';
import {COVERAGE_SHARE, GATE_SLICES, VALIDATION_SHARE, train} from '../../trainer/pipeline';
import {createProgress} from '../../trainer/progress';
import type {ProductText} from '../../trainer/text';
import {rollingSlices, timeSplit, trainingValidation} from '../../trainer/training-set';
import {randomBaskets} from './helpers';

// The two passes over the orders every stage used to redo for itself, counted as the trainer calls them.
vi.mock(import('../../trainer/load'), async (importOriginal) => {
  const load = await importOriginal();
  return {...load, itemFrequencies: vi.fn(load.itemFrequencies)};
});
vi.mock(import('../../trainer/pairs'), async (importOriginal) => {
  const pairs = await importOriginal();
  return {...pairs, transpose: vi.fn(pairs.transpose)};
});

const quiet = createProgress(false, () => undefined);

/** Random orders over titled products, and one titled product nobody ordered yet (so the cold-start stage runs). */
function titledStore(): {baskets: Baskets; texts: ProductText[]} {
  const builder = new BasketBuilder();
  builder.item('fresh', 'Fresh tea p3');
  randomBaskets(5, 600, 40, 6).forEach((items, o) => {
    const order = builder.order(`o${o}`, Date.UTC(2024, 0, 1) + o * 3_600_000);
    for (const id of items) builder.line(order, builder.item(id, `Tea ${id}`));
  });
  const baskets = builder.build();
  return {baskets, texts: baskets.titles.map((title, index) => ({index, title}))};
}

describe('the training set', () => {
  it('cuts the same rolling-origin slices the gate always judged, each with its own counts and best sellers', () => {
    const {baskets} = titledStore();
    const validation = trainingValidation(baskets, {slices: GATE_SLICES, share: VALIDATION_SHARE, coverageShare: COVERAGE_SHARE});
    const cut = rollingSlices(baskets, GATE_SLICES, VALIDATION_SHARE);
    expect(validation.slices.map((s) => [s.train.baskets.count, s.test.count])).toEqual(cut.map((s) => [s.train.count, s.test.count]));
    const last = validation.slices[GATE_SLICES - 1].train;
    expect(Array.from(last.freq)).toEqual(Array.from(itemFrequencies(cut[GATE_SLICES - 1].train)));
    expect(last.popular[0]).toBe(last.freq.indexOf(Math.max(...last.freq)));
    expect(validation.coverageQueries.count).toBe(timeSplit(baskets, COVERAGE_SHARE).test.count);
  });

  it('is counted and indexed once per run: every stage of a full run reads the one training set', async () => {
    const {baskets, texts} = titledStore();
    vi.mocked(itemFrequencies).mockClear();
    vi.mocked(transpose).mockClear();
    const result = await train(baskets, {model: 'full', seed: 2, texts, embeddings: false}, quiet);
    // Every stage ran: validation, gate, cart model, cold start, final lists, communities.
    expect(result.gate).toBeTruthy();
    expect(result.cart?.report.validation).toHaveLength(GATE_SLICES);
    expect(result.coldStart?.queries).toHaveLength(GATE_SLICES);
    // All the orders and each slice's training part: counted once each, indexed at most once each.
    const counted = vi.mocked(itemFrequencies).mock.calls.map(([b]) => b);
    const indexed = vi.mocked(transpose).mock.calls.map(([b]) => b);
    expect(counted).toHaveLength(1 + GATE_SLICES);
    expect(new Set(counted).size).toBe(counted.length);
    expect(counted[0]).toBe(baskets);
    expect(new Set(indexed).size).toBe(indexed.length);
    expect(indexed.every((b) => counted.includes(b))).toBe(true);
  }, 60_000);
});
