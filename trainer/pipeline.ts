import type {BackendChoice} from './backend';
import type {ScoreParams} from './score';
import type {Companions} from './companions';
import {DEFAULT_SCORE, RANKER_FEATURES, cosine} from './score';
import {fillCounts, publishLists} from './companions';
import type {ColdStartReport} from './coldstart';
import {COLD_NEIGHBOURS, coldLists, coldStartGate, withColdLists} from './coldstart';
import type {Embeddings} from './embed';
import type {Bundle} from './bundles';
import {mineBundles} from './bundles';
import type {Community} from './communities';
import type {BaselineName, Metrics, Recommender} from './evaluate';
import {BASELINES, alternateSplit, backfill, baseline, baselineScorer, evaluate, pairedGain, tailBuckets} from './evaluate';
import type {CartResult} from './cart/stage';
import type {ListGate, ListSlice} from './gate';
import {listGate} from './gate';
import type {Baskets} from './load';
import type {RankedLists} from './pairs';
import {rankPartners} from './pairs';
import type {Progress} from './progress';
import {TrainerThreads} from './threads';
import type {ProductText, TextNeighbours} from './text';
import {textNeighbours} from './text';
import {sharedArray} from './shared';
import type {Orders, Slice, Validation} from './training-set';
import {trainingOrders, trainingValidation} from './training-set';

/**
 * From baskets to published companions and cart weights. `full` picks the scoring parameters on a validation
 * slice cut from the end of the training period; a learned ranker (ranker.ts, TensorFlow.js) over the pair
 * features is fitted on half of the validation orders and replaces the analytic score when it wins on the
 * other half. The gate (gate.ts) then compares the pick against the four baselines on GATE_SLICES rolling-origin
 * slices and publishes the best baseline instead when the model's gain does not hold. The cart model
 * (cart/stage.ts, EASE on the WASM or GPU backend) is chosen and gated the same way against summed co-count.
 * Unless `embeddings` is false, item embeddings are trained on this thread while the validation's kernel passes run on the
 * worker threads, and enter the score only when they raise validation NDCG. `stats` computes pair statistics
 * and lists with the default parameters only, and no cart model.
 */

export type TrainOptions = {
  model: 'stats' | 'full';
  listSize?: number;
  seed?: number;
  /** Product texts (catalogue or order titles): products with no orders borrow their text neighbours' lists. */
  texts?: ProductText[];
  /** Preferred TensorFlow.js backend for the embedding stage (full mode); falls back down BACKEND_ORDER. */
  backend?: string;
  /**
   * Train item embeddings and try them in the score (full mode; default true). Measured on the shared data sets'
   * test orders they add +0.0009 NDCG@10 on instacart-subset (0.1273 -> 0.1282, which lifts it past popularity's
   * 0.1277), +0.0002 on online-retail and nothing on groceries, for about 18 s of online-retail's 46 s; false
   * (`--no-embeddings`) saves that time.
   */
  embeddings?: boolean;
  /** Embedding size and passes; the defaults keep online-retail's full run within its 60 s budget on 2 cores. */
  embed?: {dim?: number; epochs?: number; maxPairsPerEpoch?: number};
  /** Threads for the kernel passes (main.ts starts one before loading); without it they run on this thread. */
  pool?: TrainerThreads;
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
  /** The rolling-origin slices the gate judged (protocol A); null in stats mode. */
  gateSlices: GateReport | null;
  /** Protocol-A NDCG@10 by the anchor's training orders on the validation slice, model and co-count; null in stats mode. */
  tail: Record<'model' | 'cocount', ReturnType<typeof tailBuckets>> | null;
  /**
   * The cart model (full mode): `weights` in item indexes of the input baskets (CSR: product i's rows are
   * `items[offsets[i] .. offsets[i + 1])`, largest |weight| first, at most 100), `kind` what the gate
   * published; null in stats mode.
   */
  cart: CartResult | null;
  timings: Record<string, number>;
  /** Every parameter set tried on the validation slice with its NDCG@10 and coverage; empty in stats mode. */
  tuning: {params: Partial<ScoreParams>; ndcg: number; coverage: number}[];
  /** Products with no orders whose list was borrowed from their text neighbours. */
  coldStarted: number;
  /** The cold-start gate's decision for products with no orders (full mode, when some have a text); else null. */
  coldStart: ColdStartReport | null;
  /** The TensorFlow.js backend (embeddings, ranker, cart solve) and the attempts before it; null in stats mode. */
  backend: (BackendChoice & {note: string | null}) | null;
  /** Cosine of each published pair's item vectors, aligned with `companions.items`; null without embeddings. */
  embeddingSim: Float32Array | null;
  /** The learned ranker's weights and the validation comparison that kept or dropped it; null in stats mode. */
  ranker: RankerReport | null;
};

/**
 * Candidate parameter sets tried on the validation slice; the first is plain co-count order. On the shared data
 * sets' validation slices, shrinkage toward popularity wins on sparse stores (instacart: +4% NDCG) but costs
 * coverage, which the discovery places buy back; recency decay (a half-life of 30 or 60 days) wins on
 * online-retail's most recent orders, and stores without order dates ignore it; a shrink of 50 was never
 * picked and is not tried.
 */
export const SCORE_GRID: Partial<ScoreParams>[] = [
  {shrink: 0, sizeWeight: 'order', popularCandidates: 0},
  {shrink: 20, discoverySlots: 0},
  ...[1, 5, 20].flatMap((shrink) => [1, 2, 3].map((discoverySlots) => ({shrink, discoverySlots}))),
  ...[30, 60].flatMap((halfLifeDays) => [1, 5].map((shrink) => ({shrink, discoverySlots: 2, halfLifeDays}))),
];

const EVAL_K = 10;

/**
 * The validation slice: this last share of the training orders. The most recent orders resemble the weeks after
 * publishing best (on online-retail the last 10% rewards recency decay, which the last 20% — back into summer —
 * did not); it still holds ~40k queries there.
 */
export const VALIDATION_SHARE = 0.1;

/**
 * Coverage, unlike NDCG, grows with the number of orders queried: the protocol queries a quarter as many orders
 * as it trains on, so validation compares coverage over the last quarter of the training orders, with lists
 * ranked on the validation's training part. Over the validation slice alone (2.5 times fewer orders) co-count's
 * floor sat higher relative to the discovery places than over the protocol's held-out orders: on instacart-subset
 * 0.91 of co-count's coverage there against 1.07 on the test split for the same setting.
 */
export const COVERAGE_SHARE = 0.25;

function listOf(lists: RankedLists, a: number): number[] {
  return a < lists.offsets.length - 1 ? Array.from(lists.items.subarray(lists.offsets[a], lists.offsets[a + 1])) : [];
}

/** Embedding settings measured to fit online-retail's full run in 60 s on the 2-core machine. */
export const EMBED_DEFAULTS = {dim: 32, epochs: 3};

/** Cosine of the two items' vectors for every published pair, aligned with `companions.items`. */
export function pairSimilarities(companions: Companions, e: Embeddings): Float32Array {
  const out = sharedArray(Float32Array, companions.items.length);
  for (let a = 0; a < companions.offsets.length - 1; a++) {
    for (let t = companions.offsets[a]; t < companions.offsets[a + 1]; t++) out[t] = cosine(e, a, companions.items[t]);
  }
  return out;
}

/** Embedding weights tried on top of the best grid point; 0 (no embedding) stays the default. */
export const EMBEDDING_WEIGHTS = [0.5, 2];

/** Runs a stage and records its seconds. */
function timed<T>(timings: Record<string, number>, stage: string, f: () => T): T {
  const t0 = performance.now();
  const value = f();
  timings[stage] = Number(((performance.now() - t0) / 1000).toFixed(3));
  return value;
}

/** Awaits a stage and records its seconds. */
async function timedAsync<T>(timings: Record<string, number>, stage: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const value = await f();
  timings[stage] = Number(((performance.now() - t0) / 1000).toFixed(3));
  return value;
}

/**
 * Picks the parameters with the best validation NDCG among those whose coverage is at least co-count's, then
 * tries the embedding weights on top of them with embeddings trained on the validation's own training part:
 * a weight is kept only when it beats the pick, so the embeddings never cost NDCG there.
 */
async function tune(
  {train, test}: Slice,
  coverageQueries: Baskets,
  pool: TrainerThreads,
  progress: Progress,
  timings: Record<string, number>,
  validationEmbeddings: Promise<Embeddings> | null,
) {
  const {popular} = train;
  /** NDCG and the rest on `heldOut`; coverage over the coverage queries. */
  const score = (recommend: Recommender, heldOut: Baskets, perQuery?: number[]): Metrics => evaluate(train, heldOut, recommend, EVAL_K, {perQuery, coverageQueries});
  const results = {} as Record<'model' | BaselineName, Metrics>;
  // Each query's NDCG on the slice, for the gate, which reads this slice as its last (see listSlices).
  const lastSlice = {} as ListSlice;
  const steps = BASELINES.length + SCORE_GRID.length + (validationEmbeddings ? EMBEDDING_WEIGHTS.length + 1 : 0);
  timed(timings, 'baselines_s', () => {
    BASELINES.forEach((b, i) => {
      const perQuery: number[] = [];
      results[b] = score(baseline(train, b, EVAL_K), test, perQuery);
      lastSlice[b] = {metrics: results[b], perQuery};
      progress.update((i + 1) / steps);
    });
  });
  let best: {params: ScoreParams; metrics: Metrics} | null = null;
  const tuning: TrainResult['tuning'] = [];
  // The discovery lists depend only on the basket weights: built once per weighting, not once per grid point.
  const mostBought = new Map<string, RankedLists>();
  /** `params`' lists ranked on the validation's training part, scored on `heldOut` (the slice, or half of it). */
  const measure: Measure = async (params, embeddings, heldOut = test, perQuery) => {
    const key = `${params.sizeWeight}/${params.halfLifeDays}`;
    if (params.discoverySlots > 0 && !mostBought.has(key)) mostBought.set(key, await pool.rank(train, {kind: 'mostBought', params}, EVAL_K));
    const lists = await pool.rankCompanions(train, params, EVAL_K, {embeddings, mostBought: mostBought.get(key)});
    return score((a) => backfill(listOf(lists, a), a, popular, EVAL_K), heldOut, perQuery);
  };
  const consider = async (params: ScoreParams, embeddings?: Embeddings) => {
    const metrics = await measure(params, embeddings);
    tuning.push({params, ndcg: metrics.ndcg, coverage: metrics.coverage});
    const eligible = metrics.coverage >= results.cocount.coverage;
    // The first grid point is plain co-count order; another replaces the pick only by beating it (ties keep the simpler).
    if (eligible && (!best || metrics.ndcg > best.metrics.ndcg)) best = {params, metrics};
  };
  await timedAsync(timings, 'tune_s', async () => {
    for (const [i, g] of SCORE_GRID.entries()) {
      await consider({...DEFAULT_SCORE, ...g});
      progress.update((BASELINES.length + i + 1) / steps);
    }
  });
  let embeddings: Embeddings | undefined;
  if (validationEmbeddings) {
    embeddings = await timedAsync(timings, 'embed_validation_wait_s', () => validationEmbeddings);
    progress.update((BASELINES.length + SCORE_GRID.length + 1) / steps);
    await timedAsync(timings, 'tune_embedding_s', async () => {
      const base: ScoreParams = best ? (best as {params: ScoreParams}).params : {...DEFAULT_SCORE, ...SCORE_GRID[0]};
      for (const [i, w] of EMBEDDING_WEIGHTS.entries()) {
        await consider({...base, embeddingWeight: w}, embeddings);
        progress.update((BASELINES.length + SCORE_GRID.length + 2 + i) / steps);
      }
    });
  }
  const chosen = best ?? {params: {...DEFAULT_SCORE, ...SCORE_GRID[0]}, metrics: results.cocount};
  results.model = chosen.metrics;
  const ranker = await timedAsync(timings, 'ranker_s', () => tryRanker(train, test, chosen.params, {embeddings, measure, cocountCoverage: results.cocount.coverage}));
  const perQuery: number[] = [];
  lastSlice.model = {metrics: await measure(ranker.params, embeddings, test, perQuery), perQuery};
  return {params: ranker.params, results, tuning, ranker: ranker.report, embeddings, lastSlice};
}

/**
 * Validation metrics of a parameter set: ranked on the validation's training part, scored on held-out orders
 * (`perQuery` receives each query's NDCG).
 */
type Measure = (params: ScoreParams, embeddings?: Embeddings, heldOut?: Baskets, perQuery?: number[]) => Promise<Metrics>;

/** What report.json says about the learned ranker: its weights, and the comparison that kept or dropped it. */
export type RankerReport = {
  features: readonly string[];
  weights: number[] | null;
  /**
   * NDCG@10 on the validation half the ranker was not fitted on; coverage over the coverage queries
   * (COVERAGE_SHARE); the learned score's mean per-query NDCG gain there and its standard error.
   */
  judged: {analytic: Pick<Metrics, 'ndcg' | 'coverage'>; learned: Pick<Metrics, 'ndcg' | 'coverage'>; cocountCoverage: number; gain: {mean: number; se: number}} | null;
  chosen: boolean;
};

/**
 * Standard errors a judged gain must clear. The judged half holds a few thousand queries on a small store, where
 * a gain of 0.0002 NDCG (groceries) is noise; a learned score replaces the analytic one only on evidence.
 */
export const RANKER_GAIN_SE = 2;

/**
 * Fits the learned ranker (ranker.ts) on half of the validation orders over the analytic pick and judges it on
 * the other half (interleaved orders of the same weeks). It replaces the analytic score only when its per-query
 * NDCG gain there clears RANKER_GAIN_SE standard errors at no less coverage than co-count's, with the very
 * weights that were judged.
 */
async function tryRanker(
  train: Orders,
  validation: Baskets,
  params: ScoreParams,
  o: {embeddings?: Embeddings; measure: Measure; cocountCoverage: number},
): Promise<{params: ScoreParams; report: RankerReport}> {
  const {fitRanker} = await import('./ranker');
  const [fitHalf, judgeHalf] = alternateSplit(validation);
  const weights = await fitRanker(train, fitHalf, params, {embeddings: o.embeddings});
  const report: RankerReport = {features: RANKER_FEATURES, weights, judged: null, chosen: false};
  if (!weights) return {params, report};
  const judge = async (p: ScoreParams, perQuery: number[]) => {
    const m = await o.measure(p, o.embeddings, judgeHalf, perQuery);
    return {ndcg: m.ndcg, coverage: m.coverage};
  };
  const [analyticQueries, learnedQueries]: number[][] = [[], []];
  const analytic = await judge(params, analyticQueries);
  const learned = await judge({...params, ranker: weights}, learnedQueries);
  const {mean, se} = pairedGain(learnedQueries, analyticQueries);
  const {cocountCoverage} = o;
  report.judged = {analytic, learned, cocountCoverage, gain: {mean: Number(mean.toPrecision(3)), se: Number(se.toPrecision(3))}};
  if (!(mean > RANKER_GAIN_SE * se && learned.coverage >= cocountCoverage)) return {params, report};
  report.chosen = true;
  return {params: {...params, ranker: weights}, report};
}

/** Rolling-origin slices the gate compares on (each VALIDATION_SHARE of the orders; the last is the validation slice). */
export const GATE_SLICES = 3;

/** What report.json says about the gate's slices: each slice's figures, and the decision. */
export type GateReport = ListGate & {slices: Record<'model' | BaselineName, Metrics>[]};

/**
 * Protocol A on each slice for the chosen parameters and the four baselines, each ranked on the slice's own
 * training part; the last slice is the validation slice, whose figures `tune` already has (`last`; its coverage
 * is over the coverage queries). Known leaks, both in the model's favour: the ranker's weights were fitted on half
 * of the last slice, and embeddings (when on) were trained on the orders before the last slice, which hold the
 * earlier ones.
 */
async function listSlices(slices: Slice[], last: ListSlice, params: ScoreParams, pool: TrainerThreads, embeddings: Embeddings | undefined) {
  const out: ListSlice[] = [];
  for (const {train, test} of slices.slice(0, -1)) {
    const lists = await pool.rankCompanions(train, params, EVAL_K, {embeddings});
    const slice = {} as ListSlice;
    const run = (recommend: Recommender) => {
      const perQuery: number[] = [];
      const metrics = evaluate(train, test, recommend, EVAL_K, {perQuery});
      return {metrics, perQuery};
    };
    slice.model = run((a) => backfill(listOf(lists, a), a, train.popular, EVAL_K));
    for (const b of BASELINES) slice[b] = run(baseline(train, b, EVAL_K));
    out.push(slice);
  }
  out.push(last);
  // The last slice's query anchors, in the order of its per-query figures, for the tail report.
  const {train, test} = slices[slices.length - 1];
  const anchors: number[] = [];
  evaluate(train, test, () => [], EVAL_K, {anchors});
  const {freq} = train;
  const tail = {model: tailBuckets(freq, anchors, last.model.perQuery), cocount: tailBuckets(freq, anchors, last.cocount.perQuery)};
  return {slices: out, tail};
}

/** What full mode decides before the final lists are ranked; stats mode takes STATS_CHOICE. */
type Choice = Pick<TrainResult, 'kind' | 'gate' | 'gateSlices' | 'tail' | 'params' | 'eval' | 'tuning' | 'ranker' | 'cart' | 'backend' | 'coldStart'> & {
  /** Item embeddings on all the orders, when they are on. */
  embeddings?: Embeddings;
  /** The catalogue's text neighbours, when products with no orders have a text. */
  text?: TextNeighbours;
};

/** Stats mode: the default parameters, no evaluation, no gate, no cart model. */
const STATS_CHOICE: Choice = {kind: 'model', gate: null, gateSlices: null, tail: null, params: DEFAULT_SCORE, eval: null, tuning: [], ranker: null, cart: null, backend: null, coldStart: null};

/** The TensorFlow.js backend for embeddings, ranker and cart solve; a fallback is said on stderr and in the report. */
async function pickBackend(preferred: string | undefined): Promise<NonNullable<TrainResult['backend']>> {
  // TensorFlow.js takes ~0.6 s to import: only full mode pays for it.
  const {fallbackMessage, selectBackend} = await import('./backend');
  const choice = await selectBackend(preferred);
  const note = fallbackMessage(choice, preferred);
  if (note) console.error(note);
  return {...choice, note};
}

/** The two embedding runs, started at once; `final` reports progress only once `reportProgress` is set. */
type EmbeddingRuns = {validation: Promise<Embeddings>; final: Promise<Embeddings>; reportProgress: () => void};

/**
 * Starts item embeddings on the validation's training part, then on all the orders. Both runs (single-threaded on
 * the CPU backends) go on this thread one after the other, alongside the validation, whose kernel passes meanwhile
 * take the worker threads: on 2 cores the stages overlap.
 */
async function startEmbeddings(baskets: Baskets, validationTrain: Baskets, opts: TrainOptions, pool: TrainerThreads, progress: Progress): Promise<EmbeddingRuns> {
  const {trainEmbeddings} = await import('./embed');
  const options = {...EMBED_DEFAULTS, ...opts.embed, seed: opts.seed};
  let inEmbedStage = false;
  const validation = pool.alongside(() => trainEmbeddings(validationTrain, options));
  const final = validation.then(() => pool.alongside(() => trainEmbeddings(baskets, {...options, onProgress: (f) => inEmbedStage && progress.update(f)})));
  // A failure surfaces where it is awaited (tune, or finishEmbeddings), not as an unhandled rejection meanwhile.
  final.catch(() => undefined);
  return {validation, final, reportProgress: () => (inEmbedStage = true)};
}

/** Waits for the embeddings on all the orders and records both runs' own seconds. */
async function finishEmbeddings(runs: EmbeddingRuns, timings: Record<string, number>): Promise<Embeddings> {
  runs.reportProgress();
  const embeddings = await timedAsync(timings, 'embed_wait_s', () => runs.final);
  // Each embedding run's own seconds, start to finish, overlapping the stages before; the *_wait_s stages are
  // what the pipeline still waited for them.
  timings.embed_validation_s = Number((await runs.validation).seconds.toFixed(3));
  timings.embed_s = Number(embeddings.seconds.toFixed(3));
  return embeddings;
}

/** The gate over the rolling-origin slices: what is published (the model or a baseline), and the figures it judged. */
async function gateLists(
  slices: Slice[],
  tuned: Awaited<ReturnType<typeof tune>>,
  pool: TrainerThreads,
  timings: Record<string, number>,
): Promise<Pick<Choice, 'kind' | 'gate' | 'gateSlices' | 'tail'>> {
  const judged = await timedAsync(timings, 'gate_s', () => listSlices(slices, tuned.lastSlice, tuned.params, pool, tuned.embeddings));
  const coverage = Object.fromEntries(Object.entries(tuned.results).map(([name, m]) => [name, m.coverage])) as Record<Kind, number>;
  const decision = listGate(judged.slices, coverage);
  const slicesMetrics = judged.slices.map((sl) => Object.fromEntries(Object.entries(sl).map(([name, v]) => [name, v.metrics])) as Record<Kind, Metrics>);
  return {kind: decision.kind, gate: decision.gate, gateSlices: {...decision, slices: slicesMetrics}, tail: judged.tail};
}

/** Full mode's decisions, stage by stage: backend, validation (tuning, ranker), gate, cart model, cold start, embeddings. */
async function chooseModel(orders: Orders, {slices, coverageQueries}: Validation, opts: TrainOptions, pool: TrainerThreads, progress: Progress, timings: Record<string, number>): Promise<Choice> {
  const backend = await pickBackend(opts.backend);
  const validation = slices[slices.length - 1];
  const embeddingRuns = opts.embeddings !== false ? await startEmbeddings(orders.baskets, validation.train.baskets, opts, pool, progress) : null;

  progress.stage('validate', 0.05, 0.4);
  const tuned = await tune(validation, coverageQueries, pool, progress, timings, embeddingRuns?.validation ?? null);

  progress.stage('gate', 0.4, 0.5);
  const gated = await gateLists(slices, tuned, pool, timings);

  progress.stage('cart', 0.5, 0.7);
  const {trainCart} = await import('./cart/stage');
  const cart = await timedAsync(timings, 'cart_s', () => trainCart(orders, slices, (f) => progress.update(f)));

  progress.stage('cold start', 0.7, 0.72);
  const cold = timed(timings, 'cold_start_s', () => chooseColdStart(orders, slices, opts.texts));

  let embeddings: Embeddings | undefined;
  if (embeddingRuns) {
    progress.stage('embed', 0.72, 0.75);
    embeddings = await finishEmbeddings(embeddingRuns, timings);
  }
  return {...gated, params: tuned.params, eval: tuned.results, tuning: tuned.tuning, ranker: tuned.ranker, cart, backend, embeddings, ...cold};
}

/**
 * Text neighbours and the cold-start gate (coldstart.ts), when some product with a text has no orders: those are
 * the products whose lists the decision changes.
 */
function chooseColdStart({freq}: Orders, slices: Slice[], texts: ProductText[] | undefined): Pick<Choice, 'coldStart' | 'text'> {
  const titled = texts?.filter((t) => t.title);
  if (!titled?.length || !titled.some((t) => freq[t.index] === 0)) return {coldStart: null};
  const text = textNeighbours(titled, {k: COLD_NEIGHBOURS});
  return {coldStart: coldStartGate(slices, text), text};
}

/** The final lists on all the orders, ranked by what the gate chose: the model's score or a baseline's. */
function rankFinalLists(
  orders: Orders,
  {kind, params}: Pick<Choice, 'kind' | 'params'>,
  embeddings: Embeddings | undefined,
  pool: TrainerThreads, k: number): Promise<RankedLists> | RankedLists {
  const {baskets, freq, index} = orders;
  if (kind === 'model') return pool.rankCompanions(orders, params, k, {embeddings});
  if (kind === 'popularity') return rankPartners(baskets, 0, () => 0, {}, index);
  return rankPartners(baskets, k, baselineScorer(kind, freq, baskets.count), {}, index);
}

/**
 * The published lists: ranked lists back-filled with best sellers; in full mode, when the cold-start gate chose
 * text, products never ordered get their text neighbours' companions (coldstart.ts); every pair gets its
 * co-purchase counts.
 */
function publishCompanions(orders: Orders, lists: RankedLists, cold: Pick<Choice, 'coldStart' | 'text'>, k: number): {companions: Companions; coldStarted: number} {
  const {freq} = orders;
  let companions = publishLists(lists, orders.popular, () => true, k);
  let coldStarted = 0;
  const params = cold.coldStart?.params;
  if (params && cold.text) {
    // Measured: borrowing lists also for products with 1-4 orders lowered validation NDCG on instacart-subset,
    // so only products never ordered borrow.
    const never = Array.from(freq.keys()).filter((a) => freq[a] === 0);
    const published = withColdLists(companions, coldLists(orders, cold.text, params, k, never));
    companions = published.companions;
    coldStarted = published.cold;
  }
  fillCounts(orders.baskets, companions, orders.index);
  return {companions, coldStarted};
}

/** Full mode's views for the admin: bundles of 3+ products and communities of products bought together. */
async function mineStructure({baskets, freq}: Orders, companions: Companions, seed: number | undefined, progress: Progress, timings: Record<string, number>) {
  progress.stage('bundles', 0.9, 0.96);
  const bundles = timed(timings, 'bundles_s', () => mineBundles(baskets));
  progress.stage('communities', 0.96, 0.99);
  // graphology is only needed here: stats mode skips its import.
  const {findCommunities} = await import('./communities');
  const communities = timed(timings, 'communities_s', () => findCommunities(companions, freq, {seed}));
  return {bundles, communities};
}

/**
 * The stages in order, over one training set built first (training-set.ts: the orders' counts, best sellers and
 * item index, and in full mode the rolling-origin slices with theirs): in full mode chooseModel (backend,
 * validation, gate, cart model, cold start, embeddings); then, in both modes, the final lists ranked on all the
 * orders and published; in full mode, bundles and communities. Only chooseModel holds the slices, so their
 * item indexes are freed before the final lists.
 */
export async function train(baskets: Baskets, opts: TrainOptions, progress: Progress): Promise<TrainResult> {
  const k = opts.listSize ?? 20;
  const timings: Record<string, number> = {};
  const pool = opts.pool ?? new TrainerThreads(1);
  const full = opts.model === 'full';
  const orders = trainingOrders(baskets);

  const {embeddings, text, ...decided} = full
    ? await chooseModel(orders, trainingValidation(baskets, {slices: GATE_SLICES, share: VALIDATION_SHARE, coverageShare: COVERAGE_SHARE}), opts, pool, progress, timings)
    : STATS_CHOICE;

  progress.stage('pairs', 0.75, 0.9);
  // The item index of all the orders is built on first read: here in stats mode, by the cart stage in full mode.
  timed(timings, 'index_s', () => orders.index);
  const lists = await timedAsync(timings, 'pairs_s', async () => rankFinalLists(orders, decided, embeddings, pool, k));
  const {companions, coldStarted} = timed(timings, 'publish_s', () => publishCompanions(orders, lists, {coldStart: decided.coldStart, text}, k));
  const embeddingSim = embeddings ? pairSimilarities(companions, embeddings) : null;

  const {bundles, communities} = full ? await mineStructure(orders, companions, opts.seed, progress, timings) : {bundles: [], communities: []};

  return {...decided, companions, freq: orders.freq, bundles, communities, timings, coldStarted, embeddingSim};
}
