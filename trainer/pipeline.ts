import type {Companions, ScoreParams} from './blend';
import {DEFAULT_SCORE, fillCounts, publishLists, rankCompanions} from './blend';
import {coldStartLists} from './coldstart';
import type {Bundle} from './bundles';
import {mineBundles} from './bundles';
import type {Community} from './communities';
import {findCommunities} from './communities';
import type {BaselineName, Metrics} from './evaluate';
import {BASELINES, backfill, baseline, baselineScorer, evaluate, popularityOrder, timeSplit} from './evaluate';
import type {Baskets} from './load';
import {itemFrequencies} from './load';
import type {RankedLists} from './pairs';
import {rankPartners, transpose} from './pairs';
import type {Progress} from './progress';
import type {ProductText} from './text';
import {textNeighbours} from './text';

/**
 * From baskets to published companions. `full` picks the scoring parameters on a validation slice cut from
 * the end of the training period, evaluates them against the four baselines there with the contracts'
 * protocol, and publishes the best baseline instead when the model loses (the gate). `stats` computes pair
 * statistics and lists with the default parameters only.
 */

export type TrainOptions = {
  model: 'stats' | 'full';
  listSize?: number;
  seed?: number;
  /** Product texts (catalogue or order titles): products with no orders borrow their text neighbours' lists. */
  texts?: ProductText[];
};

export type Kind = 'model' | BaselineName;

export type TrainResult = {
  kind: Kind;
  companions: Companions;
  freq: Uint32Array;
  bundles: Bundle[];
  communities: Community[];
  params: ScoreParams;
  /** Model and baselines on the validation slice; null in stats mode. */
  eval: Record<'model' | BaselineName, Metrics> | null;
  gate: string | null;
  timings: Record<string, number>;
  /** Products with no orders whose list was borrowed from their text neighbours. */
  coldStarted: number;
};

/** Candidate parameter sets tried on the validation slice; the first is plain co-count order. */
export const SCORE_GRID: Partial<ScoreParams>[] = [
  {shrink: 0, popularityExponent: 0, sizeExponent: 0, popularCandidates: 0},
  {},
  {shrink: 30, popularityExponent: 0.2},
  {shrink: 30, popularityExponent: 0.1},
  {shrink: 10, popularityExponent: 0.1},
  {halfLifeDays: 180},
];

const EVAL_K = 10;

/** Relative NDCG gain a parameter set needs over the current best on the validation slice. */
const TUNE_MARGIN = 0.01;

function listOf(lists: RankedLists, a: number): number[] {
  return a < lists.offsets.length - 1 ? Array.from(lists.items.subarray(lists.offsets[a], lists.offsets[a + 1])) : [];
}

/** Runs a stage and records its seconds. */
function timed<T>(timings: Record<string, number>, stage: string, f: () => T): T {
  const t0 = performance.now();
  const value = f();
  timings[stage] = Number(((performance.now() - t0) / 1000).toFixed(3));
  return value;
}

/** Picks the parameters with the best validation NDCG among those whose coverage is at least co-count's. */
function tune(baskets: Baskets, progress: Progress, timings: Record<string, number>) {
  const {train, test} = timeSplit(baskets);
  const index = transpose(train);
  const popular = popularityOrder(itemFrequencies(train));
  const results = {} as Record<'model' | BaselineName, Metrics>;
  timed(timings, 'baselines_s', () => {
    BASELINES.forEach((b, i) => {
      results[b] = evaluate(train, test, baseline(train, b, EVAL_K, index), EVAL_K);
      progress.update((i + 1) / (BASELINES.length + SCORE_GRID.length));
    });
  });
  let best: {params: ScoreParams; metrics: Metrics} | null = null;
  timed(timings, 'tune_s', () => {
    SCORE_GRID.forEach((g, i) => {
      const params = {...DEFAULT_SCORE, ...g};
      const lists = rankCompanions(train, params, EVAL_K, index);
      const metrics = evaluate(train, test, (a) => backfill(listOf(lists, a), a, popular, EVAL_K), EVAL_K);
      const eligible = metrics.coverage >= results.cocount.coverage;
      // The first grid point is plain co-count order; another must beat the current best by a margin, since
      // gains within the noise of one validation slice did not carry over to later orders.
      if (eligible && (!best || metrics.ndcg > best.metrics.ndcg * (1 + TUNE_MARGIN))) best = {params, metrics};
      progress.update((BASELINES.length + i + 1) / (BASELINES.length + SCORE_GRID.length));
    });
  });
  const chosen = best ?? {params: {...DEFAULT_SCORE, ...SCORE_GRID[0]}, metrics: results.cocount};
  results.model = chosen.metrics;
  return {params: chosen.params, results};
}

/**
 * Publish the model only when its validation NDCG@10 is at least the best baseline's, else that baseline. A
 * baseline that shows the same few best sellers everywhere (popularity) is not a publishable list: the gate
 * compares against the baselines that cover at least as much of the catalogue as co-count.
 */
export function gateDecision(results: Record<'model' | BaselineName, Metrics>): {kind: Kind; gate: string} {
  const floor = results.cocount.coverage;
  const eligible = BASELINES.filter((b) => results[b].coverage >= floor);
  const best = eligible.reduce((x, y) => (results[y].ndcg > results[x].ndcg ? y : x));
  if (results.model.ndcg < results[best].ndcg) {
    return {kind: best, gate: `model NDCG@10 ${results.model.ndcg} < ${best} ${results[best].ndcg} on the validation slice: published ${best}`};
  }
  return {kind: 'model', gate: `model NDCG@10 ${results.model.ndcg} >= ${best} ${results[best].ndcg} (best baseline covering at least co-count's ${floor} of the catalogue): published the model`};
}

export function train(baskets: Baskets, opts: TrainOptions, progress: Progress): TrainResult {
  const k = opts.listSize ?? 20;
  const timings: Record<string, number> = {};
  let params: ScoreParams = DEFAULT_SCORE;
  let evalResults: TrainResult['eval'] = null;
  let kind: Kind = 'model';
  let gate: string | null = null;
  if (opts.model === 'full') {
    progress.stage('validate', 0.05, 0.6);
    const tuned = tune(baskets, progress, timings);
    params = tuned.params;
    evalResults = tuned.results;
    ({kind, gate} = gateDecision(tuned.results));
  }
  progress.stage('pairs', 0.6, 0.85);
  const freq = itemFrequencies(baskets);
  const popular = popularityOrder(freq);
  const index = timed(timings, 'index_s', () => transpose(baskets));
  const lists = timed(timings, 'pairs_s', () =>
    kind === 'model'
      ? rankCompanions(baskets, params, k, index)
      : kind === 'popularity'
        ? rankPartners(baskets, 0, () => 0, {}, index)
        : rankPartners(baskets, k, baselineScorer(kind, freq, baskets.count), {}, index),
  );
  let coldStarted = 0;
  const companions = timed(timings, 'publish_s', () => {
    let published = publishLists(lists, popular, () => true, k);
    const texts = opts.texts?.filter((t) => t.title);
    if (opts.model === 'full' && texts?.length && texts.some((t) => freq[t.index] === 0)) {
      // Measured: borrowing lists also for products with 1-4 orders lowered validation NDCG on instacart-subset,
      // so only products never ordered borrow.
      const cold = coldStartLists(published, freq, textNeighbours(texts, {k: 10}), {maxOrders: 0, k});
      published = cold.companions;
      coldStarted = cold.cold;
    }
    fillCounts(baskets, published, index);
    return published;
  });
  let bundles: Bundle[] = [];
  let communities: Community[] = [];
  if (opts.model === 'full') {
    progress.stage('bundles', 0.85, 0.95);
    bundles = timed(timings, 'bundles_s', () => mineBundles(baskets));
    progress.stage('communities', 0.95, 0.99);
    communities = timed(timings, 'communities_s', () => findCommunities(companions, freq, {seed: opts.seed}));
  }
  return {kind, companions, freq, bundles, communities, params, eval: evalResults, gate, timings, coldStarted};
}
