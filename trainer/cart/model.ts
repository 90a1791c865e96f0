import {rankPartners} from '../pairs';
import type {RankedLists} from '../pairs';
import type {Orders} from '../training-set';
import type {EaseModel, EaseParams} from './ease';
import {fitEase} from './ease';
import {recencyWeights} from '../recency';
import type {CartWeights} from './weights';
import {CART_ROWS, CartRowsBuilder} from './weights';

/**
 * The cart model: EASE over the most-ordered products, and for the pairs EASE does not cover (either product
 * outside its dense part) a single-product ridge weight, count(i, x) / (orders(i) + λ), scaled by `tailScale`:
 * what EASE itself gives x from i when i is the only product that explains x. Those tail candidates are each
 * product's CART_ROWS most co-bought, so a dense product's tail rows come from the non-dense ones among them.
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
};

/** The dense part of the cart model: EASE (or EDLAE) on the orders, averaged with its recency-weighted fit when `recency` > 0. */
export function fitDense(orders: Orders, params: CartParams): EaseModel {
  const ease = fitEase(orders, params);
  if (!(params.recency && params.recency > 0)) return ease;
  const recent = fitEase(orders, params, recencyWeights(orders.baskets.count, params.recency));
  for (let t = 0; t < ease.b.length; t++) ease.b[t] = (ease.b[t] + recent.b[t]) / 2;
  return ease;
}

export function fitCart(orders: Orders, params: CartParams, rows = CART_ROWS): CartWeights {
  return cartRows(orders, fitDense(orders, params), params, rows);
}

/** The published rows from a dense fit (`fitDense` with the same `params`): tail weights and the popularity scale added. */
export function cartRows(orders: Orders, ease: EaseModel, params: CartParams, rows = CART_ROWS): CartWeights {
  const n = ease.items.length;
  const {freq} = orders;
  const nItems = freq.length;
  const tail = params.tailScale > 0 ? mostCoBought(orders, rows) : null;
  const beta = params.beta ?? 0;
  const scale = new Float64Array(nItems).fill(1);
  if (beta !== 0) for (let x = 0; x < nItems; x++) if (freq[x] > 0) scale[x] = freq[x] ** -beta;
  const out = new CartRowsBuilder(nItems, rows);
  for (let i = 0; i < nItems; i++) {
    const pi = ease.position[i];
    if (pi >= 0) for (let x = 0; x < n; x++) out.set(ease.items[x], ease.b[pi * n + x] * scale[ease.items[x]]);
    if (tail) {
      const tailScale = params.tailScale / (freq[i] + params.lambda);
      for (let t = tail.offsets[i]; t < tail.offsets[i + 1]; t++) {
        const x = tail.items[t];
        if (pi < 0 || ease.position[x] < 0) out.set(x, tail.counts[t] * tailScale * scale[x]);
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
