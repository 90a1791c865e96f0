import type {BaselineName, Metrics} from './evaluate';
import {BASELINES, pairedGain} from './evaluate';

/**
 * The gate: publish the model only when its gain over the best baseline holds on several later time slices
 * (rolling origin), not on one. On a data set we do not have, a +1.7% gain on one validation slice became -4.1%
 * on the test period. Each slice is compared query by query (a paired standard error), for the product lists
 * (protocol A) and the cart model (protocol B) alike.
 */

/** One slice's per-query figures (same queries, same order) for the candidate and the baseline it must beat. */
export type SliceComparison = {candidate: number[]; base: number[]};

/** How far below zero (in standard errors) one slice's gain may sit and still count as noise. */
export const GATE_LOSS_SE = 2;

export type GainVerdict = {holds: boolean; slices: {mean: number; se: number; queries: number}[]; reason: string};

/**
 * The gain holds when it is at least zero on most slices and significantly negative on none
 * (mean < -GATE_LOSS_SE standard errors): a model that wins one slice and loses the others is not published.
 */
export function gainHolds(slices: SliceComparison[]): GainVerdict {
  const gains = slices.map((s) => {
    const g = pairedGain(s.candidate, s.base);
    // Summing rounding leaves a tie at ±1e-17, not 0.
    const mean = Math.abs(g.mean) < 1e-12 ? 0 : g.mean;
    return {mean: Number(mean.toPrecision(3)), se: Number(g.se.toPrecision(3)), queries: s.candidate.length};
  });
  const judged = gains.filter((g) => g.queries >= 2);
  const wins = judged.filter((g) => g.mean >= 0).length;
  const loss = judged.find((g) => g.mean < -GATE_LOSS_SE * g.se);
  const text = gains.map((g) => `${g.mean >= 0 ? '+' : ''}${g.mean} ± ${g.se}`).join(', ');
  if (judged.length === 0) return {holds: true, slices: gains, reason: 'no slice had 2+ queries to compare on'};
  if (loss) return {holds: false, slices: gains, reason: `significant loss on a slice (gain per slice: ${text})`};
  if (wins * 2 <= judged.length) return {holds: false, slices: gains, reason: `gain below zero on ${judged.length - wins} of ${judged.length} slices (${text})`};
  return {holds: true, slices: gains, reason: `gain at least zero on ${wins} of ${judged.length} slices, none significantly negative (${text})`};
}

/** Protocol A on one slice: the model's and each baseline's metrics and per-query NDCG. */
export type ListSlice = Record<'model' | BaselineName, {metrics: Metrics; perQuery: number[]}>;

export type ListGate = {kind: 'model' | BaselineName; gate: string; baseline: BaselineName | null; verdict: GainVerdict | null};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * Protocol A's decision over the slices: the best baseline is the one of highest mean NDCG@10 among those that
 * cover at least co-count's share of the catalogue (popularity, the same few best sellers everywhere, is not a
 * publishable list); the model is published when it meets that coverage floor too and its gain over that
 * baseline holds (gainHolds), else that baseline. Coverage grows with the orders queried, so it is compared on
 * `coverage`, measured over as many orders as the protocol queries (pipeline.ts, COVERAGE_SHARE), not per slice.
 */
export function listGate(slices: ListSlice[], coverage: Record<'model' | BaselineName, number>): ListGate {
  if (slices.every((s) => s.model.metrics.queries === 0)) {
    return {kind: 'model', baseline: null, verdict: null, gate: 'no validation orders with 2+ products yet, so nothing to compare against the baselines: published the model'};
  }
  const covers = (name: 'model' | BaselineName) => coverage[name] >= coverage.cocount;
  const ndcg = (name: 'model' | BaselineName) => mean(slices.map((s) => s[name].metrics.ndcg));
  const eligible = BASELINES.filter((b) => covers(b));
  const best = eligible.reduce((x, y) => (ndcg(y) > ndcg(x) ? y : x));
  const verdict = gainHolds(slices.map((s) => ({candidate: s.model.perQuery, base: s[best].perQuery})));
  const figures = `model NDCG@10 ${ndcg('model').toFixed(4)} against ${best} ${ndcg(best).toFixed(4)} (mean of ${slices.length} slices)`;
  if (!covers('model')) return {kind: best, baseline: best, verdict, gate: `${figures}, but the model covers less than co-count (${coverage.model} < ${coverage.cocount}): published ${best}`};
  if (!verdict.holds) return {kind: best, baseline: best, verdict, gate: `${figures}; ${verdict.reason}: published ${best}`};
  return {kind: 'model', baseline: best, verdict, gate: `${figures}; ${verdict.reason}: published the model`};
}
