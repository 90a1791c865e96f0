import {describe, expect, it} from 'vitest';
import type {Metrics} from '../../trainer/evaluate';
import {baseline, coverage, timeSplit} from '../../trainer/evaluate';
import {COVERAGE_SHARE, RANKER_GAIN_SE, VALIDATION_SHARE, gateDecision, train} from '../../trainer/pipeline';
import {createProgress} from '../../trainer/progress';
import {TrainerThreads} from '../../trainer/threads';
import {basketsOf, randomBaskets} from './helpers';

const m = (ndcg: number, coverage: number): Metrics => ({hr: 0, precision: 0, recall: 0, ndcg, coverage, queries: 1});
const quiet = createProgress(false, () => undefined);

describe('gate', () => {
  it.each([
    ['model beats every baseline', {model: m(0.4, 0.6), popularity: m(0.3, 0.01), cocount: m(0.33, 0.6), lift: m(0.1, 0.8), jaccard: m(0.2, 0.9)}, 'model'],
    ['a tie goes to the model', {model: m(0.33, 0.6), popularity: m(0.3, 0.01), cocount: m(0.33, 0.6), lift: m(0.1, 0.8), jaccard: m(0.2, 0.9)}, 'model'],
    ['co-count wins', {model: m(0.3, 0.6), popularity: m(0.2, 0.01), cocount: m(0.33, 0.6), lift: m(0.1, 0.8), jaccard: m(0.2, 0.9)}, 'cocount'],
    ['jaccard wins', {model: m(0.3, 0.6), popularity: m(0.2, 0.01), cocount: m(0.25, 0.6), lift: m(0.1, 0.8), jaccard: m(0.31, 0.9)}, 'jaccard'],
    ['popularity is never published: it covers nothing', {model: m(0.12, 0.6), popularity: m(0.13, 0.001), cocount: m(0.11, 0.55), lift: m(0.05, 0.1), jaccard: m(0.05, 0.9)}, 'model'],
  ] as const)('%s', (_name, results, kind) => {
    const decision = gateDecision(results);
    expect(decision.kind).toBe(kind);
    expect(decision.gate).toContain(kind === 'model' ? 'published the model' : `published ${kind}`);
  });

  it('says there was nothing to compare when the validation slice has no queries', () => {
    const none = {...m(0, 0), queries: 0};
    const decision = gateDecision({model: none, popularity: none, cocount: none, lift: none, jaccard: none});
    expect(decision).toEqual({kind: 'model', gate: expect.stringContaining('nothing to compare')});
  });
});

describe('pipeline', () => {
  it('ranks the obvious companion first and explains it with its counts', async () => {
    const orders = [...Array.from({length: 30}, () => ['tea', 'cup']), ...Array.from({length: 10}, () => ['tea', 'sugar']), ...Array.from({length: 40}, (_, i) => [`x${i % 5}`, 'cup'])];
    const baskets = basketsOf(orders);
    const r = await train(baskets, {model: 'stats'}, quiet);
    const tea = baskets.itemIds.indexOf('tea');
    const first = r.companions.offsets[tea];
    expect(baskets.itemIds[r.companions.items[first]]).toBe('cup');
    expect(r.companions.counts[first]).toBe(30);
    expect(baskets.itemIds[r.companions.items[first + 1]]).toBe('sugar');
    expect(r.companions.counts[first + 1]).toBe(10);
  });

  it('full mode evaluates, gates and mines bundles; the same input gives the same output, on one thread or two', async () => {
    const baskets = basketsOf(randomBaskets(3, 500, 40, 6));
    const a = await train(baskets, {model: 'full', seed: 2}, quiet);
    // With a worker thread the embeddings train alongside the validation, whose kernel passes go to the worker.
    const pool = new TrainerThreads(2);
    const b = await train(baskets, {model: 'full', seed: 2, pool}, quiet).finally(() => pool.close());
    expect(pool.remoteJobs).toBeGreaterThan(0);
    expect(a.eval?.model.queries).toBeGreaterThan(0);
    expect(a.gate).toBeTruthy();
    expect(Array.from(a.companions.items)).toEqual(Array.from(b.companions.items));
    expect(b.tuning).toEqual(a.tuning);
    expect(b.embeddingSim).toEqual(a.embeddingSim);
    expect(a.communities).toEqual(b.communities);
    expect(a.bundles).toEqual(b.bundles);
    // The learned ranker was fitted and judged against the analytic score on the other validation half, and the
    // published parameters carry its weights exactly when its gain there was clear of noise.
    expect(a.ranker?.judged?.analytic.ndcg).toBeGreaterThan(0);
    expect(a.ranker?.weights).toHaveLength(a.ranker!.features.length);
    const {gain, learned, cocountCoverage} = a.ranker!.judged!;
    // The paired gain is the per-query view of the same two figures.
    expect(gain.mean).toBeCloseTo(learned.ndcg - a.ranker!.judged!.analytic.ndcg, 3);
    const won = gain.mean > RANKER_GAIN_SE * gain.se && learned.coverage >= cocountCoverage;
    expect(a.ranker!.chosen).toBe(won);
    expect(a.params.ranker).toEqual(won ? a.ranker!.weights : null);
    expect(b.ranker).toEqual(a.ranker);
  });

  it('fails the run with the embedding stage\'s own error when it breaks alongside the validation', async () => {
    const baskets = basketsOf(randomBaskets(4, 300, 30, 5));
    const pool = new TrainerThreads(2);
    // A negative size makes the embedding tables fail to allocate; the second run, chained to the first, must not
    // surface as an unhandled rejection (vitest fails the file on one).
    await expect(train(baskets, {model: 'full', embed: {dim: -1}, pool}, quiet).finally(() => pool.close())).rejects.toThrow(/length/i);
  });

  it('compares coverage over as many orders as the protocol would query, not over the smaller validation slice', async () => {
    // 300 products: 40 would be covered in full either way.
    const baskets = basketsOf(randomBaskets(3, 500, 300, 6));
    const a = await train(baskets, {model: 'full', seed: 2}, quiet);
    // Co-count's figure is its coverage over the last quarter, with lists from the validation's training part.
    const {train: fit, test: slice} = timeSplit(baskets, VALIDATION_SHARE);
    const cocount = baseline(fit, 'cocount');
    const overQuarter = coverage(fit, timeSplit(baskets, COVERAGE_SHARE).test, cocount);
    expect(overQuarter).not.toBe(coverage(fit, slice, cocount));
    expect(a.eval!.cocount.coverage).toBe(overQuarter);
    expect(a.ranker!.judged!.cocountCoverage).toBe(overQuarter);
  });
});
