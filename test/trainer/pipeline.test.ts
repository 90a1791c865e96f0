import {describe, expect, it} from 'vitest';
import {baseline, coverage as coverageOf} from '../../trainer/evaluate';
import {timeSplit, trainingOrders} from '../../trainer/training-set';
import {COVERAGE_SHARE, RANKER_GAIN_SE, VALIDATION_SHARE, train} from '../../trainer/pipeline';
import {createProgress} from '../../trainer/progress';
import {TrainerThreads} from '../../trainer/threads';
import {basketsOf, randomBaskets} from './helpers';

const quiet = createProgress(false, () => undefined);

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
    // The cart model and both gates: the same weights and decisions whatever the thread count.
    expect(a.cart?.weights.items.length).toBeGreaterThan(0);
    expect(b.cart?.weights).toEqual(a.cart?.weights);
    expect({...b.cart?.report, fit_s: 0}).toEqual({...a.cart?.report, fit_s: 0});
    expect(b.gateSlices).toEqual(a.gateSlices);
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
    await expect(train(baskets, {model: 'full', embeddings: true, embed: {dim: -1}, pool}, quiet).finally(() => pool.close())).rejects.toThrow(/length/i);
  });

  it('compares coverage over as many orders as the protocol would query, not over the smaller validation slice', async () => {
    // 300 products: 40 would be covered in full either way.
    const baskets = basketsOf(randomBaskets(3, 500, 300, 6));
    const a = await train(baskets, {model: 'full', seed: 2}, quiet);
    // Co-count's figure is its coverage over the last quarter, with lists from the validation's training part.
    const split = timeSplit(baskets, VALIDATION_SHARE);
    const [fit, slice] = [trainingOrders(split.train), split.test];
    const cocount = baseline(fit, 'cocount');
    const overQuarter = coverageOf(fit, timeSplit(baskets, COVERAGE_SHARE).test, cocount);
    expect(overQuarter).not.toBe(coverageOf(fit, slice, cocount));
    expect(a.eval!.cocount.coverage).toBe(overQuarter);
    expect(a.ranker!.judged!.cocountCoverage).toBe(overQuarter);
  });
});
