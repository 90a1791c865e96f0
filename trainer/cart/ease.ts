import type {Baskets} from '../load';
import type {Orders} from '../training-set';
import {invertSpdTf} from './solve-tf';

/**
 * EASE (Steck 2019): the closed-form ridge regression of each product on all the others over the order matrix X,
 * with a zero diagonal: P = (XᵀX + λI)⁻¹, B = I - P diag(1/diag P). A cart's score of x is Σ_{i in cart} B[i, x],
 * which is exactly what protocol B asks: the one missing product of an order from the rest of it.
 * The dense solve is O(n³), so it covers the `size` most-ordered products only (the rest get fallback weights).
 */

export type EaseModel = {
  /** Item index of each dense row/column, most ordered first. */
  items: Uint32Array;
  /** Item index -> dense position, -1 outside. */
  position: Int32Array;
  /** B, row-major, `items.length` squared: B[i * n + x] is dense product i's weight for dense product x. */
  b: Float32Array;
};

/** The `size` most-ordered products (ties to the first seen), as EASE's dense part. */
export function denseProducts(orders: Orders, size: number): Uint32Array {
  return orders.popular.slice(0, size);
}

/** XᵀX over `items` (the dense products), row-major in double precision; `weights` (one per order) gives XᵀWX. */
export function gram(baskets: Baskets, items: Uint32Array, position: Int32Array, weights?: Float64Array): Float64Array {
  const n = items.length;
  const g = new Float64Array(n * n);
  const inBasket: number[] = [];
  for (let b = 0; b < baskets.count; b++) {
    for (let t = baskets.offsets[b]; t < baskets.offsets[b + 1]; t++) {
      const p = position[baskets.items[t]];
      if (p >= 0) inBasket.push(p);
    }
    const w = weights ? weights[b] : 1;
    for (const u of inBasket) {
      const row = u * n;
      for (const v of inBasket) g[row + v] += w;
    }
    inBasket.length = 0;
  }
  return g;
}

/** Measured and left out, on the training orders' last slices: weighting orders by size^-0.5 or size^-1 in XᵀX moved NDCG@10 by 0.6% or less (groceries, online-retail). */
export type EaseParams = {
  /** Products in the dense part. */
  dense: number;
  /** The ridge. */
  lambda: number;
  /**
   * EDLAE's dropout probability p (Steck 2020, "Autoencoders that don't overfit towards the identity"): the ridge
   * of product i grows by p/(1-p)·(XᵀX)ᵢᵢ, so a best seller is shrunk more than the tail; 0 is EASE.
   */
  dropout?: number;
};

/**
 * Fits EASE (EDLAE with `dropout`) on the `dense` most-ordered products of `baskets`; `orderWeights` (one per
 * order) fits it on XᵀWX instead, over the same dense products.
 */
export function fitEase(orders: Orders, {dense: size, lambda, dropout = 0}: EaseParams, orderWeights?: Float64Array): EaseModel {
  const items = denseProducts(orders, size);
  const n = items.length;
  const position = new Int32Array(orders.freq.length).fill(-1);
  items.forEach((x, p) => (position[x] = p));
  const p = gram(orders.baskets, items, position, orderWeights);
  const extra = dropout / (1 - dropout);
  for (let i = 0; i < n; i++) p[i * n + i] += lambda + extra * p[i * n + i];
  const b = invertSpdTf(p, n);
  const diag = new Float64Array(n);
  for (let x = 0; x < n; x++) diag[x] = b[x * n + x];
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let x = 0; x < n; x++) b[row + x] = x === i ? 0 : -b[row + x] / diag[x];
  }
  return {items, position, b};
}
