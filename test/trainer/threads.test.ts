import {mkdtempSync, readFileSync, readdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {DEFAULT_SCORE, rankCompanions} from '../../trainer/score';
import {fillCounts, publishLists} from '../../trainer/companions';
import {timeSplit, trainingOrders} from '../../trainer/training-set';
import {itemFrequencies} from '../../trainer/load';
import {pairSimilarities} from '../../trainer/pipeline';
import {writeOutputs} from '../../trainer/write';
import {TrainerThreads, shardCuts} from '../../trainer/threads';
import {transpose} from '../../trainer/pairs';
import {basketsOf, randomBaskets} from './helpers';

// Real worker threads (three, so the anchors are cut in four ranges), not a stand-in.
const pool = new TrainerThreads(4);
afterAll(() => pool.close());

describe('TrainerThreads', () => {
  it.each([
    ['the default score', {}],
    ['shrinkage with discovery places', {shrink: 20, discoverySlots: 2}],
    ['co-count order with a half-life', {shrink: 0, sizeWeight: 'order' as const, halfLifeDays: 30, discoverySlots: 1}],
    ['a learned ranker', {shrink: 1, discoverySlots: 2, ranker: [0.9, 0.1, -0.05, 0, 0.2, -0.2, 1, -0.2, 0]}],
  ])('ranks like rankCompanions on one thread: %s', async (_name, partial) => {
    const baskets = basketsOf(randomBaskets(5, 600, 80, 9));
    const params = {...DEFAULT_SCORE, ...partial};
    expect(pool.threads).toBe(4);
    const before = pool.remoteJobs;
    const split = await pool.rankCompanions(trainingOrders(baskets), params, 10);
    expect(split).toEqual(rankCompanions(trainingOrders(baskets), params, 10));
    expect(pool.remoteJobs - before).toBeGreaterThanOrEqual(3);
  });

  it('leaves the calling thread to a task running alongside: the workers take every range, with the same lists', async () => {
    const baskets = basketsOf(randomBaskets(8, 600, 80, 9));
    const params = {...DEFAULT_SCORE, shrink: 5, discoverySlots: 1};
    const [local, remote] = [pool.localJobs, pool.remoteJobs];
    const lists = await pool.alongside(async () => pool.rankCompanions(trainingOrders(baskets), params, 10));
    expect(lists).toEqual(rankCompanions(trainingOrders(baskets), params, 10));
    // Two passes (companions, then the discovery lists), three ranges each, none on the calling thread.
    expect(pool.localJobs - local).toBe(0);
    expect(pool.remoteJobs - remote).toBe(6);
    // Once the task is over, the calling thread takes its range again.
    await pool.rankCompanions(trainingOrders(baskets), params, 10);
    expect(pool.localJobs - local).toBe(2);
  });

  it('ranks inline alongside a task when it has no workers', async () => {
    const single = new TrainerThreads(1);
    const baskets = basketsOf(randomBaskets(8, 300, 40, 6));
    expect(await single.alongside(() => single.rank(trainingOrders(baskets), {kind: 'companions', params: DEFAULT_SCORE}, 10))).toEqual(rankCompanions(trainingOrders(baskets), DEFAULT_SCORE, 10));
    expect(single.localJobs).toBe(1);
  });

  it('cuts the anchors into ranges of about equal work that cover every anchor once', () => {
    const baskets = basketsOf(randomBaskets(9, 2000, 300, 12));
    const index = transpose(baskets);
    const cuts = shardCuts(baskets, index, 4);
    expect(cuts[0]).toBe(0);
    expect(cuts[4]).toBe(baskets.itemIds.length);
    const work = (from: number, to: number) => {
      let w = 0;
      for (let a = from; a < to; a++) for (let t = index.offsets[a]; t < index.offsets[a + 1]; t++) w += baskets.offsets[index.baskets[t] + 1] - baskets.offsets[index.baskets[t]];
      return w;
    };
    const total = work(0, baskets.itemIds.length);
    for (let s = 0; s < 4; s++) expect(Math.abs(work(cuts[s], cuts[s + 1]) - total / 4)).toBeLessThan(total / 10);
  });

  it('ranks and writes inline when its workers die on start', async () => {
    const broken = new TrainerThreads(3, new URL('./fixtures/broken-worker.mjs', import.meta.url));
    const baskets = basketsOf(randomBaskets(6, 400, 50, 7));
    const params = {...DEFAULT_SCORE, discoverySlots: 2};
    expect(await broken.rankCompanions(trainingOrders(baskets), params, 10)).toEqual(rankCompanions(trainingOrders(baskets), params, 10));
    const freq = itemFrequencies(baskets);
    const companions = publishLists(rankCompanions(trainingOrders(baskets), params, 10), Array.from(freq.keys()), () => true, 10);
    const dir = mkdtempSync(join(tmpdir(), 'pairwise-write-broken-'));
    await writeOutputs(dir, baskets, companions, freq, [], null, broken);
    expect(readFileSync(join(dir, 'pairs.csv'), 'utf8').trim().split('\n')).toHaveLength(companions.items.length + 1);
    expect(broken.remoteJobs).toBe(0);
    await broken.close();
  });

  it('still ranks, inline, once its workers are gone', async () => {
    const lonely = new TrainerThreads(2);
    await lonely.close();
    const baskets = basketsOf(randomBaskets(3, 200, 30, 6));
    expect(await lonely.rankCompanions(trainingOrders(baskets), DEFAULT_SCORE, 5)).toEqual(rankCompanions(trainingOrders(baskets), DEFAULT_SCORE, 5));
    expect(lonely.remoteJobs).toBe(0);
  });
});

describe('what the workers read', () => {
  // postMessage shares a SharedArrayBuffer and copies anything else: on a 4-core host the copies in flight took
  // the 1M-order store from 1.9 to 2.1 GiB peak RSS.
  it('is on shared memory, so each job hands over the same memory instead of a copy', () => {
    const baskets = basketsOf(randomBaskets(4, 400, 50, 8));
    const train = trainingOrders(timeSplit(baskets, 0.2).train);
    const {index} = train;
    const freq = itemFrequencies(baskets);
    const companions = publishLists(rankCompanions(trainingOrders(baskets), DEFAULT_SCORE, 10), Array.from(freq.keys()), () => true, 10);
    const sim = pairSimilarities(companions, {vectors: new Float32Array(freq.length * 2).fill(1), dim: 2, seconds: 0});
    const arrays = {
      'baskets.offsets': baskets.offsets,
      'baskets.items': baskets.items,
      'baskets.timestamps': baskets.timestamps,
      'train.offsets': train.baskets.offsets,
      'train.items': train.baskets.items,
      'train.freq': train.freq,
      'index.offsets': index.offsets,
      'index.baskets': index.baskets,
      ...Object.fromEntries(Object.entries(companions).map(([k, v]) => [`companions.${k}`, v])),
      embeddingSim: sim,
    };
    for (const [name, a] of Object.entries(arrays)) expect(a.buffer instanceof SharedArrayBuffer, name).toBe(true);
  });
});

describe('writeOutputs on threads', () => {
  it('writes the same files as one thread, and leaves no part files behind', async () => {
    const baskets = basketsOf(randomBaskets(8, 1500, 120, 8));
    const freq = itemFrequencies(baskets);
    const popular = Array.from(freq.keys()).sort((x, y) => freq[y] - freq[x]);
    const companions = publishLists(rankCompanions(trainingOrders(baskets), DEFAULT_SCORE, 20), popular, () => true, 20);
    fillCounts(baskets, companions);
    const one = mkdtempSync(join(tmpdir(), 'pairwise-write-one-'));
    const split = mkdtempSync(join(tmpdir(), 'pairwise-write-split-'));
    await writeOutputs(one, baskets, companions, freq, []);
    const before = pool.remoteJobs;
    await writeOutputs(split, baskets, companions, freq, [], null, pool);
    expect(pool.remoteJobs - before).toBe(3);
    expect(readdirSync(split).sort()).toEqual(['bundles.csv', 'pairs.csv', 'recommendations.csv']);
    for (const file of ['recommendations.csv', 'pairs.csv']) {
      const text = readFileSync(join(split, file), 'utf8');
      expect(text.split('\n').length).toBe(companions.items.length + 2);
      expect(text).toBe(readFileSync(join(one, file), 'utf8'));
    }
  });
});

