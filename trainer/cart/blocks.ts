import type {Baskets} from '../load';
import {rankPartners} from '../pairs';
import type {ItemBaskets} from '../pairs';
import type {EaseModel} from './ease';
import {gram} from './ease';
import {invertSpdTf} from './solve-tf';
import {selectFirst} from './weights';

/**
 * EASE past the dense part (issue 29, large catalogues). The dense solve is O(n³), so a catalogue of 16k products
 * would leave most of its products to shrunk co-count. Here the products outside the dense part that were ordered
 * at least twice get EASE weights from blocks: each block is its own EASE (or EDLAE) fit over the `core`
 * most-ordered products (shared by every block), its members (the next products in popularity order) and its
 * context (the products its members were most bought with). A member's column is its regression on the core, its
 * block and the context, and gives the weights of those products for it. A pair no fit holds keeps the shrunk
 * co-count tail weight. With B blocks of s products the cost is B·s³ instead of n³.
 *
 * Measured on online-retail with the dense part lowered to 1,000 and blocks of 1,000 with a core of 250 (test
 * NDCG@10; the dense part alone 0.1115, every product ordered twice in one dense fit 0.1257): members grouped by
 * Louvain communities of their co-purchase graph (as the trainer's insights find them) 0.1132, in popularity
 * order 0.1145; on instacart-subset (dense part 3,000) both 0.0612, the communities costing 10 s more. Context
 * helps where members alone do not reach: 750 members with 250 context products 0.1163 against 0.1145 without.
 * Members' weights for the core products taken from the block lose: with blocks of 1,500 (core 500, context 250)
 * 0.1189 with them against 0.1226 without (a column regressed on one block gives its members too large a share);
 * on a synthetic 16k-product store (dense part 3,000) 0.2148 against 0.2139, both below the full fit's 0.2181.
 */

export type BlockParams = {
  /** Products per block: the core, the members and their context. */
  size: number;
  /** The most-ordered products shared by every block (the first `core` of the dense part). */
  core: number;
  /** Per block, products outside the core and the members that the members are most bought with. */
  context: number;
  /** At most this many blocks (the most-ordered products first); all of them when absent. */
  most?: number;
  /**
   * Members start at this popularity rank (default: right after the dense part). The judge's fits, with a smaller
   * dense part, use the published fit's dense size here so that they measure what the blocks add to that fit.
   */
  from?: number;
};

/** A product needs this many orders to get a block: once gives EASE nothing to regress on. */
export const BLOCK_MIN_ORDERS = 2;

/** Partners per member whose co-purchase counts pick the block's context. */
const CONTEXT_PARTNERS = 20;

export type BlockLayout = {
  /** Core size (the first `core` products of the dense part). */
  core: number;
  /** Each block's members (outside the dense part, most ordered first) and its context products. */
  blocks: {members: Uint32Array; context: Uint32Array}[];
  /** Item -> the block it is a member of, -1 when in none. */
  blockOf: Int32Array;
};

/**
 * Cuts the products outside `dense` (the dense part's products, most ordered first) ordered BLOCK_MIN_ORDERS+
 * times into blocks of `size - core - context` members in popularity order, and gives each block as context the
 * `context` products (dense or not, core excluded) its members were most bought with (summed co-purchase counts
 * over each member's CONTEXT_PARTNERS most co-bought).
 */
export function blockLayout(baskets: Baskets, freq: Uint32Array, dense: Uint32Array, params: BlockParams, index: ItemBaskets): BlockLayout {
  const nItems = freq.length;
  const core = Math.min(params.core, dense.length);
  const room = params.size - core - params.context;
  const blockOf = new Int32Array(nItems).fill(-1);
  if (room <= 0) return {core, blocks: [], blockOf};
  const inDense = new Uint8Array(nItems);
  for (const x of dense) inDense[x] = 1;
  const inCore = new Uint8Array(nItems);
  for (const x of dense.subarray(0, core)) inCore[x] = 1;
  const byOrders = (x: number, y: number) => freq[y] - freq[x] || x - y;
  let outside = Array.from(freq.keys()).filter((x) => freq[x] >= BLOCK_MIN_ORDERS).sort(byOrders).slice(params.from ?? 0).filter((x) => !inDense[x]);
  if (params.most !== undefined) outside = outside.slice(0, params.most * room);
  if (outside.length === 0) return {core, blocks: [], blockOf};
  const partners = rankPartners(baskets, CONTEXT_PARTNERS, (_a, b, count) => (inCore[b] ? 0 : count), {anchors: outside}, index);
  const blocks: BlockLayout['blocks'] = [];
  const summed = new Float64Array(nItems);
  for (let s = 0; s < outside.length; s += room) {
    const members = Uint32Array.from(outside.slice(s, s + room));
    members.forEach((x) => (blockOf[x] = blocks.length));
    const touched: number[] = [];
    for (const x of members) {
      for (let t = partners.offsets[x]; t < partners.offsets[x + 1]; t++) {
        const y = partners.items[t];
        if (blockOf[y] === blocks.length) continue;
        if (summed[y] === 0) touched.push(y);
        summed[y] += partners.counts[t];
      }
    }
    touched.sort((x, y) => summed[y] - summed[x] || x - y);
    const context = Uint32Array.from(touched.slice(0, params.context));
    for (const y of touched) summed[y] = 0;
    blocks.push({members, context});
  }
  return {core, blocks, blockOf};
}

/** One product's candidate rows from the blocks, largest |weight| first. */
export type BlockRow = {items: Uint32Array; weights: Float32Array};

export type BlockFit = {
  layout: BlockLayout;
  /**
   * Item -> its rows from the blocks: its weights for the members of the blocks it is a member, core or context
   * product of (the `rows` largest); undefined for none.
   */
  rows: (BlockRow | undefined)[];
  /** Whether x's block holds i (x's column comes from it), so that the tail weight stays off the pair. */
  holds: (i: number, x: number) => boolean;
};

/**
 * Fits every block of `layout` with EASE's ridge and EDLAE's dropout on XᵀX, averaged over the order weightings
 * in `weightings` (undefined = unweighted) as fitDense averages the dense part. Each product's column (what the
 * others vote for it) comes from one fit: a member's from its block, a dense product's from the dense part.
 */
export function fitBlocks(
  baskets: Baskets,
  dense: EaseModel,
  layout: BlockLayout,
  {lambda, dropout = 0}: {lambda: number; dropout?: number},
  weightings: (Float64Array | undefined)[],
  index: ItemBaskets,
  rows: number,
): BlockFit {
  const nItems = baskets.itemIds.length;
  const out: (BlockRow | undefined)[] = new Array(nItems);
  const {core, blockOf} = layout;
  const contexts = layout.blocks.map((b) => new Set(b.context));
  const inCore = (x: number) => dense.position[x] >= 0 && dense.position[x] < core;
  const holds = (i: number, x: number) => {
    const bi = blockOf[i], bx = blockOf[x];
    return bx >= 0 && (bx === bi || inCore(i) || contexts[bx].has(i));
  };
  if (layout.blocks.length === 0) return {layout, rows: out, holds};
  const coreItems = dense.items.slice(0, core);
  const corePosition = new Int32Array(nItems).fill(-1);
  coreItems.forEach((x, p) => (corePosition[x] = p));
  const coreGrams = weightings.map((w) => gram(baskets, coreItems, corePosition, w));
  // Weights for other blocks' members, gathered block by block (trimmed as they grow).
  const gathered = new Map<number, {items: number[]; weights: number[]}>();
  const local = corePosition.slice();
  const visited = new Int32Array(baskets.count).fill(-1);
  for (const [g, {members, context}] of layout.blocks.entries()) {
    const items = Uint32Array.from([...coreItems, ...members, ...context]);
    const s = items.length, m = core + members.length;
    for (let p = core; p < s; p++) local[items[p]] = p;
    const b = new Float32Array(s * s);
    for (const [v, weights] of weightings.entries()) {
      const a = blockGram(baskets, index, items.subarray(core), local, core, coreGrams[v], weights, visited, g * weightings.length + v);
      const extra = dropout / (1 - dropout);
      for (let i = 0; i < s; i++) a[i * s + i] += lambda + extra * a[i * s + i];
      addEaseWeights(invertSpdTf(a, s), s, b, 1 / weightings.length);
    }
    // A member votes only for its block's members: the core's columns come from the dense part's fit. Here they
    // would be regressed on this block alone, which inflates the members' share (see the measurement above).
    for (let p = core; p < m; p++) out[items[p]] = topRow(b, p * s, core, m, items, p, rows);
    for (let p = 0; p < s; p++) {
      if (p >= core && p < m) continue;
      let kept = gathered.get(items[p]);
      if (!kept) gathered.set(items[p], (kept = {items: [], weights: []}));
      for (let q = core; q < m; q++) {
        kept.items.push(items[q]);
        kept.weights.push(b[p * s + q]);
      }
      if (kept.items.length > 2 * rows) trimRow(kept, rows);
    }
    for (let p = core; p < s; p++) local[items[p]] = -1;
  }
  for (const [x, kept] of gathered) {
    const own = out[x];
    if (own) {
      kept.items.push(...own.items);
      kept.weights.push(...own.weights);
    }
    trimRow(kept, rows);
    out[x] = {items: Uint32Array.from(kept.items), weights: Float32Array.from(kept.weights)};
  }
  return {layout, rows: out, holds};
}

/**
 * XᵀWX over one block (`local` maps an item to its position, -1 outside; the core first, then `others`): the
 * core's part is `coreGram`, the rest comes from the orders holding one of `others` (`visited` marks them with `stamp`).
 */
function blockGram(
  baskets: Baskets, index: ItemBaskets, others: Uint32Array, local: Int32Array, core: number,
  coreGram: Float64Array, weights: Float64Array | undefined, visited: Int32Array, stamp: number,
): Float64Array {
  const s = core + others.length;
  const a = new Float64Array(s * s);
  for (let i = 0; i < core; i++) a.set(coreGram.subarray(i * core, (i + 1) * core), i * s);
  const inBasket: number[] = [];
  for (const x of others) {
    for (let t = index.offsets[x]; t < index.offsets[x + 1]; t++) {
      const bk = index.baskets[t];
      if (visited[bk] === stamp) continue;
      visited[bk] = stamp;
      for (let k = baskets.offsets[bk]; k < baskets.offsets[bk + 1]; k++) {
        const p = local[baskets.items[k]];
        if (p >= 0) inBasket.push(p);
      }
      const w = weights ? weights[bk] : 1;
      // Non-core rows in full; a core row only at non-core columns (its core columns are coreGram's).
      for (const u of inBasket) {
        if (u < core) continue;
        for (const v of inBasket) {
          a[u * s + v] += w;
          if (v < core) a[v * s + u] += w;
        }
      }
      inBasket.length = 0;
    }
  }
  return a;
}

/** b += share · (I - P diag(1/diag P)) with a zero diagonal: EASE's B from the inverse P, as fitEase computes it. */
function addEaseWeights(p: Float32Array, s: number, b: Float32Array, share: number): void {
  for (let i = 0; i < s; i++) {
    const row = i * s;
    for (let x = 0; x < s; x++) if (x !== i) b[row + x] += (-p[row + x] / p[x * s + x]) * share;
  }
}

/** The `rows` largest |weight| of b[start + from .. start + to) (skipping position `self`), as item ids. */
function topRow(b: Float32Array, start: number, from: number, to: number, items: Uint32Array, self: number, rows: number): BlockRow {
  const kept = {items: [] as number[], weights: [] as number[]};
  for (let q = from; q < to; q++) {
    if (q === self || b[start + q] === 0) continue;
    kept.items.push(items[q]);
    kept.weights.push(b[start + q]);
  }
  trimRow(kept, rows);
  return {items: Uint32Array.from(kept.items), weights: Float32Array.from(kept.weights)};
}

/** Keeps the `rows` entries of largest |weight| (ties to the lower item), largest first. */
function trimRow(kept: {items: number[]; weights: number[]}, rows: number): void {
  const order = kept.items.map((_x, t) => t);
  const before = (s: number, t: number) => Math.abs(kept.weights[t]) - Math.abs(kept.weights[s]) || kept.items[s] - kept.items[t];
  if (order.length > rows) {
    selectFirst(order, rows, before);
    order.length = rows;
  }
  order.sort(before);
  kept.items = order.map((t) => kept.items[t]);
  kept.weights = order.map((t) => kept.weights[t]);
}
