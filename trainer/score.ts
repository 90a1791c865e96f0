import type {Embeddings} from './embed';
import type {Baskets} from './load';
import type {RankedLists} from './pairs';
import {RankedListsBuilder, rankPartners} from './pairs';
import {idealDcg} from './stats';
import type {Orders} from './training-set';

/**
 * The companion score: P(b | a) with evidence-weighted counts, shrunk toward b's popularity. Shrinkage lets a
 * product with few orders lean on the best sellers instead of the noise of one or two baskets.
 */
export type ScoreParams = {
  /** Pseudo-orders of the popularity prior in the shrunk confidence. */
  shrink: number;
  /**
   * 'order': every order counts 1 (co-count). 'ndcg': an order of n products counts 1 / IDCG@10(n - 1), what one
   * hit is worth to a shopper looking at one of its products (the held-out protocol's gain), so a wholesale order
   * with 300 lines is one vote spread thin, and an order of one product, which no list can serve, counts 0.
   */
  sizeWeight: 'order' | 'ndcg';
  /** Recency decay of basket weights, in days; 0 turns it off. */
  halfLifeDays: number;
  /** Best sellers offered to every anchor as prior-only candidates. */
  popularCandidates: number;
  /** The score is multiplied by exp(w x cosine of the two items' embeddings); 0 ignores the embeddings. */
  embeddingWeight: number;
  /**
   * The last `discoverySlots` places of every 10 go to the products most often bought with the anchor that the
   * score left out. Shrinkage pulls best sellers into every list; these places keep each list specific to its
   * product (catalogue coverage) at the cost of the least-read positions.
   */
  discoverySlots: number;
  /**
   * Weights of the learned ranker over RANKER_FEATURES (ranker.ts fits them on the validation slice); the
   * score is then exp(weights . features), whose first feature is the log of the score above. null: the
   * analytic score alone.
   */
  ranker: number[] | null;
};

export const DEFAULT_SCORE: ScoreParams = {shrink: 5, sizeWeight: 'ndcg', halfLifeDays: 0, popularCandidates: 50, embeddingWeight: 0, discoverySlots: 0, ranker: null};

/**
 * The learned ranker's pair features, in order. Besides the analytic score: the raw co-count and confidence
 * (the evidence the shrinkage discounts), the partner's popularity and its trend (last TREND_HALF_LIFE_DAYS
 * against the whole period), whether the pair was never bought together (a best seller offered as a prior),
 * the co-count relative to the anchor's orders, how far apart the two prices are, and the embedding cosine.
 */
export const RANKER_FEATURES = ['log_score', 'log_count', 'log_popularity', 'trend', 'prior_only', 'log_confidence', 'count_per_anchor_orders', 'price_gap', 'embedding_cosine'] as const;

const TREND_HALF_LIFE_DAYS = 30;

/** A page of a companion list: what a "you may also like" grid shows and what the evaluation reads (top 10). */
export const LIST_PAGE = 10;

/** Cosine of items a and b (rows are L2-normalised; never-seen items have zero rows, so 0). */
export function cosine(e: Embeddings, a: number, b: number): number {
  const {vectors, dim} = e;
  let dot = 0;
  for (let j = 0; j < dim; j++) dot += vectors[a * dim + j] * vectors[b * dim + j];
  return Math.max(-1, Math.min(1, dot));
}

/** Per-basket weights from size and age (relative to the newest basket). */
export function basketWeights(baskets: Baskets, p: Pick<ScoreParams, 'sizeWeight' | 'halfLifeDays'>): Float64Array {
  const w = new Float64Array(baskets.count);
  let newest = -Infinity;
  for (let b = 0; b < baskets.count; b++) if (baskets.timestamps[b] > newest) newest = baskets.timestamps[b];
  const decay = p.halfLifeDays > 0 && Number.isFinite(newest) ? Math.LN2 / (p.halfLifeDays * 86_400_000) : 0;
  for (let b = 0; b < baskets.count; b++) {
    const size = baskets.offsets[b + 1] - baskets.offsets[b];
    const age = Number.isFinite(baskets.timestamps[b]) ? newest - baskets.timestamps[b] : 0;
    const sizeWeight = p.sizeWeight === 'order' ? 1 : size > 1 ? 1 / idealDcg(size - 1, LIST_PAGE) : 0;
    w[b] = sizeWeight * Math.exp(-decay * age);
  }
  return w;
}

/** Sum of basket weights per item (the weighted order count). */
export function weightedFrequencies(baskets: Baskets, weights: Float64Array): Float64Array {
  const f = new Float64Array(baskets.itemIds.length);
  for (let b = 0; b < baskets.count; b++) {
    for (let k = baskets.offsets[b]; k < baskets.offsets[b + 1]; k++) f[baskets.items[k]] += weights[b];
  }
  return f;
}

/** The best sellers by weighted order count, most first. */
export function topItems(freq: Float64Array, n: number): Uint32Array {
  const ids = Uint32Array.from({length: freq.length}, (_, i) => i).filter((i) => freq[i] > 0);
  return ids.sort((x, y) => freq[y] - freq[x] || x - y).subarray(0, n);
}

/** What the kernel passes read of the training set (training-set.ts); threads.ts hands exactly this to a worker thread. */
export type KernelOrders = Pick<Orders, 'baskets' | 'freq' | 'index'>;

export type RankCompanionsOptions = {
  /** Read only when `params.embeddingWeight` is not 0. */
  embeddings?: Embeddings;
  /** `mostBoughtLists` for the same baskets and basket weights, when the caller ranks several times (tuning). */
  mostBought?: RankedLists;
};

/**
 * What to rank by, as plain data, so a worker thread (threads.ts) rebuilds the very same scorer:
 * 'companions' is the companion score under `params`; 'mostBought' the co-count order that discovery places
 * draw from.
 */
export type RankSpec = {kind: 'companions'; params: ScoreParams; embeddings?: Embeddings} | {kind: 'mostBought'; params: Pick<ScoreParams, 'sizeWeight' | 'halfLifeDays'>};

/** Ranks every anchor (or only `anchors`) by `spec`: the kernel pass that threads.ts splits across threads. */
export function rankBySpec(orders: KernelOrders, spec: RankSpec, k: number, anchors?: Iterable<number>): RankedLists {
  const {baskets, freq, index} = orders;
  if (spec.kind === 'mostBought') {
    return rankPartners(baskets, k, (_a, b, count) => count + 1 / (2 + freq[b]), {basketWeight: basketWeights(baskets, spec.params), anchors}, index);
  }
  const scorer = companionScorer(orders, spec.params, spec.embeddings);
  return rankPartners(baskets, k, scorer.score, {basketWeight: scorer.weights, extraCandidates: topItems(scorer.freq, spec.params.popularCandidates), anchors}, index);
}

/** What the companion score is built on: basket weights, weighted order counts, and each item's share of them. */
function scoreBasis(baskets: Baskets, params: Pick<ScoreParams, 'sizeWeight' | 'halfLifeDays'>) {
  const weights = basketWeights(baskets, params);
  const freq = weightedFrequencies(baskets, weights);
  let total = 0;
  for (let b = 0; b < baskets.count; b++) total += weights[b];
  const prior = new Float64Array(freq.length);
  for (let i = 0; i < freq.length; i++) prior[i] = total > 0 ? freq[i] / total : 0;
  return {weights, freq, total, prior};
}

/**
 * The companion score of (anchor a, partner b) with co-count `count` and weighted count w, and the basket
 * weights it was built on: the analytic score, or with `params.ranker` the learned one over it.
 */
export function companionScorer(orders: Pick<Orders, 'baskets' | 'freq'>, params: ScoreParams, embeddings?: Embeddings) {
  const basis = scoreBasis(orders.baskets, params);
  const {weights, freq, prior} = basis;
  const learned = params.ranker;
  if (learned) {
    const features = pairFeaturizer(orders, params, basis, embeddings);
    const x = new Float64Array(RANKER_FEATURES.length);
    const score = (a: number, b: number, count: number, w: number): number => {
      features(a, b, count, w, x);
      let s = 0;
      for (let f = 0; f < x.length; f++) s += learned[f] * x[f];
      return Math.exp(s);
    };
    return {weights, freq, score};
  }
  const m = params.shrink;
  // Per-item factors computed once: the score is called for every co-occurring pair.
  const base = (a: number, b: number, w: number): number => (w + m * prior[b]) / (freq[a] + m);
  const e = params.embeddingWeight && embeddings ? embeddings : null;
  const ew = params.embeddingWeight;
  const score = e ? (a: number, b: number, _count: number, w: number): number => base(a, b, w) * Math.exp(ew * cosine(e, a, b)) : (a: number, b: number, _count: number, w: number): number => base(a, b, w);
  return {weights, freq, score};
}

/** Writes RANKER_FEATURES of one pair into `x`. */
export type PairFeaturizer = (a: number, b: number, count: number, w: number, x: Float64Array) => void;

/** log1p of small counts, looked up: the featurizer runs for every co-occurring pair. */
const LOG1P = Float64Array.from({length: 4096}, (_, c) => Math.log1p(c));

/** The featurizer of `params` (ranker.ts builds its training rows with it; the learned score reads the same). */
export function rankerFeaturizer(orders: Pick<Orders, 'baskets' | 'freq'>, params: ScoreParams, embeddings?: Embeddings): PairFeaturizer {
  return pairFeaturizer(orders, params, scoreBasis(orders.baskets, params), embeddings);
}

/** `orders`: each product's orders, unweighted (the basis holds the weighted counts). */
function pairFeaturizer({baskets, freq: orders}: Pick<Orders, 'baskets' | 'freq'>, params: ScoreParams, basis: ReturnType<typeof scoreBasis>, embeddings?: Embeddings): PairFeaturizer {
  const {freq, total, prior} = basis;
  const nItems = baskets.itemIds.length;
  const m = params.shrink;
  const ew = params.embeddingWeight && embeddings ? params.embeddingWeight : 0;
  // The trend compares two shares of demand independent of params' own half-life: were it measured against the
  // decayed popularity, a 30-day score half-life would make it 0 for every product.
  const recent = scoreBasis(baskets, {sizeWeight: 'ndcg', halfLifeDays: TREND_HALF_LIFE_DAYS}).prior;
  const whole = scoreBasis(baskets, {sizeWeight: 'ndcg', halfLifeDays: 0}).prior;
  // Per-item terms once: the featurizer runs for every co-occurring pair.
  const logShrunk = new Float64Array(nItems);
  const logFreq = new Float64Array(nItems);
  const logPopularity = new Float64Array(nItems);
  const trend = new Float64Array(nItems);
  const perOrder = new Float64Array(nItems);
  const logPrice = new Float64Array(nItems).fill(NaN);
  for (let i = 0; i < nItems; i++) {
    logShrunk[i] = Math.log(freq[i] + m);
    logFreq[i] = Math.log(freq[i] + 1e-3);
    logPopularity[i] = Math.log((freq[i] + 1e-3) / (total + 1e-3));
    trend[i] = Math.log((recent[i] + 1e-6) / (whole[i] + 1e-6));
    perOrder[i] = 1 / Math.log(2 + orders[i]);
    const price = baskets.prices[i];
    if (price > 0) logPrice[i] = Math.log(price);
  }
  return (a, b, count, w, x) => {
    const cos = embeddings ? cosine(embeddings, a, b) : 0;
    // The log of the analytic score (companionScorer without a ranker), term by term.
    x[0] = Math.log(w + m * prior[b]) - logShrunk[a] + ew * cos;
    x[1] = count < LOG1P.length ? LOG1P[count] : Math.log1p(count);
    x[2] = logPopularity[b];
    x[3] = trend[b];
    x[4] = count === 0 ? 1 : 0;
    x[5] = Math.log(w + 1e-3) - logFreq[a];
    x[6] = x[1] * perOrder[a];
    const gap = Math.abs(logPrice[b] - logPrice[a]);
    x[7] = Number.isFinite(gap) ? gap : 0;
    x[8] = cos;
  };
}

/** Top-k companions of every product under `params`. */
export function rankCompanions(orders: KernelOrders, params: ScoreParams, k: number, opts: RankCompanionsOptions = {}): RankedLists {
  const primary = rankBySpec(orders, {kind: 'companions', params, embeddings: opts.embeddings}, k);
  if (params.discoverySlots <= 0) return primary;
  return addDiscovery(orders, params, k, primary, opts.mostBought ?? mostBoughtLists(orders, params, k), opts.embeddings);
}

/** The discovery places of `params` over score-ranked `primary` lists; each pick keeps its companion score. */
export function addDiscovery(orders: Pick<Orders, 'baskets' | 'freq'>, params: ScoreParams, k: number, primary: RankedLists, mostBought: RankedLists, embeddings?: Embeddings): RankedLists {
  const {score} = companionScorer(orders, params, embeddings);
  return withDiscovery(primary, mostBought, params.discoverySlots, k, (a, t) => score(a, mostBought.items[t], mostBought.counts[t], mostBought.weights[t]));
}

/**
 * Every anchor's partners in co-count order, ties to the less popular product (the more specific one: higher
 * lift): on sparse stores most pairs are seen once, and this tie-break is what spreads discovery places across
 * the catalogue. The lists carry the weighted counts under `params`' basket weights, so each pick can be scored.
 */
export function mostBoughtLists(orders: KernelOrders, params: Pick<ScoreParams, 'sizeWeight' | 'halfLifeDays'>, k: number): RankedLists {
  return rankBySpec(orders, {kind: 'mostBought', params}, k);
}

/**
 * Merges two ranked lists per anchor: in every page of LIST_PAGE places the last `slots` come from `discovery`,
 * the others from `primary`; when one runs out the other fills in. Anchors are visited in index order, and a
 * discovery place prefers a product that no earlier list features.
 * `scoreOf(anchor, t)` gives the published score of `discovery`'s entry t.
 */
export function withDiscovery(primary: RankedLists, discovery: RankedLists, slots: number, k: number, scoreOf: (anchor: number, t: number) => number): RankedLists {
  const nItems = primary.offsets.length - 1;
  const out = new RankedListsBuilder(nItems, primary.items.length + discovery.items.length);
  const listed = new Uint8Array(nItems);
  const featured = new Uint8Array(nItems);
  for (let a = 0; a < nItems; a++) {
    out.next(a);
    let p = primary.offsets[a];
    let d = discovery.offsets[a];
    const pEnd = primary.offsets[a + 1];
    const dEnd = discovery.offsets[a + 1];
    while (out.length < k) {
      while (p < pEnd && listed[primary.items[p]]) p++;
      while (d < dEnd && listed[discovery.items[d]]) d++;
      if (p === pEnd && d === dEnd) break;
      const place = out.length % LIST_PAGE;
      const fromDiscovery = d < dEnd && (place >= LIST_PAGE - slots || p === pEnd);
      let item: number;
      if (fromDiscovery) {
        // Spread the places across the catalogue: the most bought-with product that no list so far features,
        // else the most bought-with one. An entry taken out of order is skipped later as already listed.
        let t = d;
        while (t < dEnd && (listed[discovery.items[t]] || featured[discovery.items[t]])) t++;
        if (t === dEnd) t = d++;
        item = discovery.items[t];
        out.push(item, scoreOf(a, t), discovery.counts[t], discovery.weights[t]);
      } else {
        item = primary.items[p];
        out.push(item, primary.scores[p], primary.counts[p], primary.weights[p]);
        p++;
      }
      listed[item] = 1;
      featured[item] = 1;
    }
    for (let r = 0; r < out.length; r++) listed[out.item(r)] = 0;
  }
  return out.finish();
}
