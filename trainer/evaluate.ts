import type {Baskets} from './load';
import {rankPartners} from './pairs';
import {idealDcg} from './stats';
import type {Orders} from './training-set';

/**
 * The contracts' held-out protocol, the one `../shared/bench/eval.mjs` implements, on integer baskets: for
 * every test order with 2+ products and every product `a` in it, the top k for `a` (without `a`) against the
 * rest of the order. Ties in the baselines are broken the way the script breaks them, so the numbers match.
 */

export type Metrics = {hr: number; precision: number; recall: number; ndcg: number; coverage: number; queries: number};

export const BASELINES = ['popularity', 'cocount', 'lift', 'jaccard'] as const;
export type BaselineName = (typeof BASELINES)[number];

/** A recommender under test: anchor item index -> its list, best first. */
export type Recommender = (anchor: number) => ArrayLike<number>;

const round4 = (x: number): number => Number(x.toFixed(4));

export type EvaluateOptions = {
  /** Receives every query's NDCG in a fixed order (see pairedGain). */
  perQuery?: number[];
  /** The orders whose products are asked for coverage (default: `test`); see coverage. */
  coverageQueries?: Baskets;
  /** Receives every query's anchor, aligned with `perQuery` (see tailBuckets). */
  anchors?: number[];
};

/** Protocol A of `recommend` on `test`, coverage over `train`'s products. */
export function evaluate(train: Orders, test: Baskets, recommend: Recommender, k = 10, opts: EvaluateOptions = {}): Metrics {
  const {perQuery, anchors} = opts;
  const inTest = new Uint8Array(test.itemIds.length);
  let n = 0, hr = 0, precision = 0, recall = 0, ndcg = 0;
  for (let b = 0; b < test.count; b++) {
    const start = test.offsets[b];
    const end = test.offsets[b + 1];
    const size = end - start;
    if (size < 2) continue;
    for (let t = start; t < end; t++) inTest[test.items[t]] = 1;
    const idcg = idealDcg(size - 1, k);
    for (let t = start; t < end; t++) {
      const a = test.items[t];
      const list = recommend(a);
      let hits = 0, dcg = 0, rank = 0;
      for (let r = 0; r < list.length && rank < k; r++) {
        const x = list[r];
        if (x === a) continue;
        if (inTest[x]) {
          hits++;
          dcg += 1 / Math.log2(rank + 2);
        }
        rank++;
      }
      n++;
      if (hits > 0) hr++;
      precision += hits / k;
      recall += hits / (size - 1);
      ndcg += dcg / idcg;
      perQuery?.push(dcg / idcg);
      anchors?.push(a);
    }
    for (let t = start; t < end; t++) inTest[test.items[t]] = 0;
  }
  const mean = (x: number) => (n > 0 ? round4(x / n) : 0);
  return {hr: mean(hr), precision: mean(precision), recall: mean(recall), ndcg: mean(ndcg), coverage: coverage(train, opts.coverageQueries ?? test, recommend, k), queries: n};
}

/**
 * The protocol's catalogue coverage: the share of `train`'s products shown in the top k of some product of an
 * order of 2+ products in `queries`. It grows with the number of orders queried, so only figures over equally
 * many orders compare.
 */
export function coverage(train: Orders, queries: Baskets, recommend: Recommender, k = 10): number {
  const asked = new Uint8Array(queries.itemIds.length);
  const shown = new Uint8Array(queries.itemIds.length);
  for (let b = 0; b < queries.count; b++) {
    if (queries.offsets[b + 1] - queries.offsets[b] < 2) continue;
    for (let t = queries.offsets[b]; t < queries.offsets[b + 1]; t++) {
      const a = queries.items[t];
      if (asked[a]) continue;
      asked[a] = 1;
      const list = recommend(a);
      for (let r = 0, rank = 0; r < list.length && rank < k; r++) {
        if (list[r] === a) continue;
        shown[list[r]] = 1;
        rank++;
      }
    }
  }
  const {freq} = train;
  let catalog = 0, covered = 0;
  for (let i = 0; i < freq.length; i++) {
    if (freq[i] > 0) catalog++;
    if (shown[i]) covered++;
  }
  return catalog > 0 ? round4(covered / catalog) : 0;
}

/**
 * The mean per-query gain of `candidate` over `base` (per-query figures of two evaluations of the same orders)
 * and its standard error: the same queries on both sides, so the noise of which orders were held out cancels.
 */
export function pairedGain(candidate: number[], base: number[]): {mean: number; se: number} {
  const n = candidate.length;
  if (n !== base.length) throw new Error(`pairedGain: ${n} queries against ${base.length}`);
  if (n < 2) return {mean: 0, se: Infinity};
  let sum = 0, sq = 0;
  for (let i = 0; i < n; i++) {
    const d = candidate[i] - base[i];
    sum += d;
    sq += d * d;
  }
  const mean = sum / n;
  const variance = Math.max(0, (sq - n * mean * mean) / (n - 1));
  return {mean, se: Math.sqrt(variance / n)};
}

/** Appends popular items the list lacks, up to `k`, as every shipped widget back-fills. */
export function backfill(list: number[], anchor: number, popular: Uint32Array, k: number): number[] {
  for (let p = 0; p < popular.length && list.length < k; p++) {
    const x = popular[p];
    if (x !== anchor && !list.includes(x)) list.push(x);
  }
  return list;
}

/** The pair score of a co-occurrence baseline, as eval.mjs computes it (lift only for pairs seen 3+ times). */
export function baselineScorer(kind: Exclude<BaselineName, 'popularity'>, freq: Uint32Array, orders: number): (a: number, b: number, count: number) => number {
  if (kind === 'cocount') return (_a, _b, c) => c;
  if (kind === 'lift') return (a, b, c) => (c >= 3 ? (c * orders) / (freq[a] * freq[b]) : 0);
  return (a, b, c) => c / (freq[a] + freq[b] - c);
}

/** One of the four baselines of the protocol, trained on `train`, with popularity back-fill. */
export function baseline(train: Orders, kind: BaselineName, k = 10): Recommender {
  const {baskets, freq, popular} = train;
  const lists = kind === 'popularity' ? null : rankPartners(baskets, k, baselineScorer(kind, freq, baskets.count), {}, train.index);
  return (a) => {
    const list = lists && a < lists.offsets.length - 1 ? Array.from(lists.items.subarray(lists.offsets[a], lists.offsets[a + 1])) : [];
    return backfill(list, a, popular, k);
  };
}

/** The anchor buckets of the tail report: the anchor's orders in training, [from, to]. */
export const TAIL_BUCKETS = [
  {name: '0', from: 0, to: 0},
  {name: '1-4', from: 1, to: 4},
  {name: '5-19', from: 5, to: 19},
  {name: '20-99', from: 20, to: 99},
  {name: '100+', from: 100, to: Infinity},
] as const;

/** Mean NDCG@10 of the queries whose anchor falls in each TAIL_BUCKETS bucket (by its orders in `freq`). */
export function tailBuckets(freq: Uint32Array, anchors: number[], perQuery: number[]): Record<string, {queries: number; ndcg: number}> {
  const out: Record<string, {queries: number; ndcg: number}> = {};
  for (const b of TAIL_BUCKETS) {
    let n = 0, sum = 0;
    anchors.forEach((a, q) => {
      const f = a < freq.length ? freq[a] : 0;
      if (f >= b.from && f <= b.to) {
        n++;
        sum += perQuery[q];
      }
    });
    out[b.name] = {queries: n, ndcg: n > 0 ? round4(sum / n) : 0};
  }
  return out;
}

/**
 * Two interleaved halves of a slice (even and odd baskets): the same weeks, disjoint orders. The learned ranker
 * is fitted on one half and judged on the other.
 */
export function alternateSplit(baskets: Baskets): [Baskets, Baskets] {
  const half = (parity: number): Baskets => {
    const count = Math.floor((baskets.count + 1 - parity) / 2);
    const offsets = new Uint32Array(count + 1);
    const timestamps = new Float64Array(count);
    let n = 0;
    for (let b = parity, i = 0; b < baskets.count; b += 2, i++) {
      n += baskets.offsets[b + 1] - baskets.offsets[b];
      offsets[i + 1] = n;
      timestamps[i] = baskets.timestamps[b];
    }
    const items = new Uint32Array(n);
    for (let b = parity, i = 0; b < baskets.count; b += 2, i++) items.set(baskets.items.subarray(baskets.offsets[b], baskets.offsets[b + 1]), offsets[i]);
    return {...baskets, offsets, items, timestamps, count};
  };
  return [half(0), half(1)];
}
