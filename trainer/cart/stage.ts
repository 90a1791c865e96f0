import * as tf from '@tensorflow/tfjs';
import type {Baskets} from '../load';
import {itemFrequencies} from '../load';
import type {GainVerdict} from '../gate';
import {gainHolds} from '../gate';
import {transpose} from '../pairs';
import type {CartMetrics} from './evaluate';
import {evaluateCart} from './evaluate';
import type {CartParams} from './model';
import {fitCart, fitCocountCart} from './model';
import type {CartWeights} from './weights';

/**
 * The cart stage of full mode: picks EASE's ridge and the tail weight on the last validation slice, checks the
 * cart model against summed co-count on the rolling-origin slices (gate.ts), and fits the published weights on
 * every order; when the gain does not hold, co-count's weights are published instead.
 */

/**
 * Products in EASE's dense part for the published fit. The solve is O(n³): measured on the 2-core machine (WASM
 * backend), the final fit over 3,000 products takes 4.6 s on a quiet machine (10 s under load), which keeps
 * online-retail's full run within 60 s; on its test orders 3,000 scored 0.1255 NDCG@10 against 0.1225 with 2,000
 * (the whole catalogue is 3.7k). The same bound holds on a GPU backend, where it has not been measured.
 */
export const DENSE_PRODUCTS = 3000;

/**
 * Dense size of the fits that choose the parameters and judge the gate, four to six of them per run: a third of
 * DENSE_PRODUCTS costs about a twenty-seventh of the solve. They compare settings and the co-count baseline, not
 * the published figure.
 */
export const JUDGE_DENSE_PRODUCTS = 1000;

/**
 * Ridges tried on the validation slice, then the tail weight at the best one. In wider sweeps over the shared
 * data sets' training orders the best ridge was about 200 (groceries), 100 (instacart-subset) and 30
 * (online-retail); a tail weight of 0.3 helped instacart-subset (+0.7%), where 27% of the order lines fall
 * outside the dense part, and hurt online-retail's big wholesale baskets, so 0 is the default.
 */
export const CART_GRID = {lambda: [30, 100, 300], tailScale: [0, 0.3]};

export const CART_DEFAULTS: CartParams = {dense: DENSE_PRODUCTS, lambda: 100, tailScale: 0};

export type CartReport = {
  method: 'ease' | 'cocount';
  params: CartParams;
  /** Products in the published fit's dense part, and their share of the order lines. */
  dense_products: number;
  dense_line_share: number;
  fit_s: number;
  backend: string;
  tuning: {params: Pick<CartParams, 'lambda' | 'tailScale'>; ndcg: number}[];
  /** Protocol B on each rolling-origin slice: the cart model (JUDGE_DENSE_PRODUCTS) and summed co-count. */
  validation: {model: CartMetrics; cocount: CartMetrics}[];
  gate: string;
  verdict: GainVerdict;
};

export type CartResult = {kind: 'model' | 'cocount'; weights: CartWeights; report: CartReport};

/** Lets the event loop run (worker replies, progress) between the synchronous solves. */
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

export async function trainCart(baskets: Baskets, slices: {train: Baskets; test: Baskets}[], onProgress: (f: number) => void = () => undefined): Promise<CartResult> {
  const last = slices[slices.length - 1];
  const judge = (s: {train: Baskets; test: Baskets}, p: CartParams, perQuery?: number[]) => evaluateCart(s.train, s.test, fitCart(s.train, {...p, dense: JUDGE_DENSE_PRODUCTS}), 10, perQuery);
  const steps = CART_GRID.lambda.length + CART_GRID.tailScale.length - 1 + slices.length * 2 - 1 + 1;
  let done = 0;
  const step = async () => {
    onProgress(++done / steps);
    await yieldToLoop();
  };
  const tried: {params: CartParams; metrics: CartMetrics; perQuery: number[]}[] = [];
  const attempt = async (params: CartParams) => {
    const perQuery: number[] = [];
    tried.push({params, metrics: judge(last, params, perQuery), perQuery});
    await step();
  };
  // Ties keep the earlier (smaller ridge, no tail weight).
  const bestTried = () => tried.reduce((x, y) => (y.metrics.ndcg > x.metrics.ndcg ? y : x));
  for (const lambda of CART_GRID.lambda) await attempt({...CART_DEFAULTS, lambda});
  for (const tailScale of CART_GRID.tailScale.slice(1)) await attempt({...bestTried().params, tailScale});
  const chosen = bestTried();
  const tuning = tried.map((t) => ({params: {lambda: t.params.lambda, tailScale: t.params.tailScale}, ndcg: t.metrics.ndcg}));
  const validation: CartReport['validation'] = [];
  const comparisons = [];
  for (const s of slices) {
    const candidate: number[] = s === last ? chosen.perQuery : [];
    const base: number[] = [];
    // The last slice is the one the parameters were picked on: its fit is the tuning's.
    const model = s === last ? chosen.metrics : judge(s, chosen.params, candidate);
    if (s !== last) await step();
    const cocount = evaluateCart(s.train, s.test, fitCocountCart(s.train), 10, base);
    await step();
    validation.push({model, cocount});
    comparisons.push({candidate, base});
  }
  const verdict = gainHolds(comparisons);
  const t0 = performance.now();
  const index = transpose(baskets);
  const weights = verdict.holds ? fitCart(baskets, chosen.params, index) : fitCocountCart(baskets, index);
  const fitS = Number(((performance.now() - t0) / 1000).toFixed(3));
  await step();
  const freq = itemFrequencies(baskets);
  const dense = verdict.holds ? Math.min(chosen.params.dense, freq.filter((f) => f > 0).length) : 0;
  const kind = verdict.holds ? 'model' : 'cocount';
  const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(4);
  const figures = `cart model NDCG@10 ${mean(validation.map((v) => v.model.ndcg))} against summed co-count ${mean(validation.map((v) => v.cocount.ndcg))} (mean of ${slices.length} slices)`;
  return {
    kind,
    weights,
    report: {
      method: verdict.holds ? 'ease' : 'cocount',
      params: chosen.params,
      dense_products: dense,
      dense_line_share: lineShare(freq, dense),
      fit_s: fitS,
      backend: tf.getBackend(),
      tuning,
      validation,
      gate: `${figures}; ${verdict.reason}: published ${verdict.holds ? 'the cart model' : 'co-count'}`,
      verdict,
    },
  };
}

/** Share of the order lines that fall on the `dense` most-ordered products. */
function lineShare(freq: Uint32Array, dense: number): number {
  const sorted = Array.from(freq).sort((a, b) => b - a);
  const total = sorted.reduce((a, b) => a + b, 0);
  const top = sorted.slice(0, dense).reduce((a, b) => a + b, 0);
  return total > 0 ? Number((top / total).toFixed(4)) : 0;
}
