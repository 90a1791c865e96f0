import {rankPartners} from '../pairs';
import type {RankedLists} from '../pairs';
import type {Orders} from '../training-set';
import type {EaseModel, EaseParams} from './ease';
import {denseProducts, fitEase} from './ease';
import type {BlockFit, BlockLayout, BlockParams} from './blocks';
import {blockLayout, fitBlocks} from './blocks';
import {recencyWeights} from '../recency';
import type {CartWeights} from './weights';
import {CART_ROWS, CartRowsBuilder} from './weights';

/**
 * The cart model: EASE over the most-ordered products, and for the pairs EASE does not cover (either product
 * outside its dense part) a single-product ridge weight, count(i, x) / (orders(i) + λ), scaled by `tailScale`:
 * what EASE itself gives x from i when i is the only product that explains x. Those tail candidates are each
 * product's CART_ROWS most co-bought, so a dense product's tail rows come from the non-dense ones among them.
 *
 * Past the dense part, `blocks` fits the other products seen twice or more in blocks (blocks.ts).
 *
 * Version 2 adds three settings, each neutral at 0 (issue 29): EDLAE's dropout ridge (ease.ts), a popularity
 * scale (every weight for x times orders(x)^-β: β > 0 favours the tail, β < 0 the best sellers), and averaging
 * the weights with the same model fitted on recency-weighted orders.
 */

export type CartParams = EaseParams & {
  tailScale: number;
  /** The popularity scale's exponent β. */
  beta?: number;
  /**
   * When > 0, B is averaged with the B of XᵀWX, where an order's weight halves every `recency` share of the orders
   * (counted back from the newest: orders come in time order, so this needs no dates).
   */
  recency?: number;
  /** When set, the products past the dense part get EASE weights from blocks (blocks.ts). */
  blocks?: BlockParams;
};

/** The fitted part of the cart model: the dense EASE and, with `blocks`, the block fits past it. */
export type CartFit = EaseModel & {blocks?: BlockFit};

/** The block layout `fitDense` uses for these params (found once and reused across ridges). */
export function layoutFor(orders: Orders, params: CartParams): BlockLayout | undefined {
  if (!params.blocks) return undefined;
  return blockLayout(orders.baskets, orders.freq, denseProducts(orders, params.dense), params.blocks, orders.index);
}

/**
 * The fitted part of the cart model: EASE (or EDLAE) on the orders, averaged with its recency-weighted fit when
 * `recency` > 0; with `blocks`, the blocks past the dense part fitted the same way (`layout` as layoutFor gives it).
 * `dense`, the dense part of a fit with the same params but no blocks, is reused instead of fitted again.
 */
export function fitDense(orders: Orders, params: CartParams, layout?: BlockLayout, rows = CART_ROWS, dense?: EaseModel): CartFit {
  const recent = params.recency && params.recency > 0 ? recencyWeights(orders.baskets.count, params.recency) : null;
  if (dense) return {...dense, blocks: blocksOf(orders, dense, params, layout, rows, recent)};
  const ease: CartFit = fitEase(orders, params);
  if (recent) {
    const other = fitEase(orders, params, recent);
    for (let t = 0; t < ease.b.length; t++) ease.b[t] = (ease.b[t] + other.b[t]) / 2;
  }
  ease.blocks = blocksOf(orders, ease, params, layout, rows, recent);
  return ease;
}

function blocksOf(orders: Orders, ease: EaseModel, params: CartParams, layout: BlockLayout | undefined, rows: number, recent: Float64Array | null): BlockFit | undefined {
  if (!params.blocks) return undefined;
  return fitBlocks(orders.baskets, ease, layout ?? layoutFor(orders, params)!, params, recent ? [undefined, recent] : [undefined], orders.index, rows);
}

export function fitCart(orders: Orders, params: CartParams, rows = CART_ROWS): CartWeights {
  return cartRows(orders, fitDense(orders, params, undefined, rows), params, rows);
}

/**
 * The published rows from a fit (`fitDense` with the same `params`): tail weights and the popularity scale added.
 * The tail weight fills only the pairs no fit holds: outside the dense part, and, with blocks, outside every block.
 */
export function cartRows(orders: Orders, ease: CartFit, params: CartParams, rows = CART_ROWS): CartWeights {
  const n = ease.items.length;
  const {freq} = orders;
  const nItems = freq.length;
  const tail = params.tailScale > 0 ? mostCoBought(orders, rows) : null;
  const beta = params.beta ?? 0;
  const scale = new Float64Array(nItems).fill(1);
  if (beta !== 0) for (let x = 0; x < nItems; x++) if (freq[x] > 0) scale[x] = freq[x] ** -beta;
  const out = new CartRowsBuilder(nItems, rows);
  const blocks = ease.blocks;
  for (let i = 0; i < nItems; i++) {
    const pi = ease.position[i];
    if (pi >= 0) for (let x = 0; x < n; x++) out.set(ease.items[x], ease.b[pi * n + x] * scale[ease.items[x]]);
    const own = blocks?.rows[i];
    if (own) for (let r = 0; r < own.items.length; r++) out.set(own.items[r], own.weights[r] * scale[own.items[r]]);
    if (tail) {
      const tailScale = params.tailScale / (freq[i] + params.lambda);
      for (let t = tail.offsets[i]; t < tail.offsets[i + 1]; t++) {
        const x = tail.items[t];
        if ((pi < 0 || ease.position[x] < 0) && !blocks?.holds(i, x)) out.set(x, tail.counts[t] * tailScale * scale[x]);
      }
    }
    out.end(i);
  }
  return out.build();
}

/** Each product's `rows` most co-bought products (ties to the larger count, then the first met). */
function mostCoBought({baskets, index}: Orders, rows: number): RankedLists {
  return rankPartners(baskets, rows, (_a, _b, count) => count, {}, index);
}

/** Summed co-count as cart weights (protocol B's baseline, top `rows` per product): what the gate falls back to. */
export function fitCocountCart(orders: Orders, rows = CART_ROWS): CartWeights {
  const lists = mostCoBought(orders, rows);
  return {offsets: lists.offsets, items: lists.items, weights: Float32Array.from(lists.counts)};
}
