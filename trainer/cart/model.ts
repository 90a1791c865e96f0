import type {Baskets} from '../load';
import {itemFrequencies} from '../load';
import {forEachAnchor, transpose} from '../pairs';
import type {ItemBaskets} from '../pairs';
import type {EaseParams} from './ease';
import {fitEase} from './ease';
import type {CartWeights} from './weights';
import {CART_ROWS, CartRowsBuilder} from './weights';

/**
 * The cart model: EASE over the most-ordered products, and for every pair EASE does not cover (either product
 * outside its dense part) a single-product ridge weight, count(i, x) / (orders(i) + λ), scaled by `tailScale`:
 * what EASE itself gives x from i when i is the only product that explains x.
 */

export type CartParams = EaseParams & {tailScale: number};

export function fitCart(baskets: Baskets, params: CartParams, index: ItemBaskets = transpose(baskets), rows = CART_ROWS): CartWeights {
  const ease = fitEase(baskets, params);
  const n = ease.items.length;
  const freq = itemFrequencies(baskets);
  const out = new CartRowsBuilder(baskets.itemIds.length, rows);
  forEachAnchor(
    baskets,
    ({anchor: i, partners, n: m, count}) => {
      const pi = ease.position[i];
      if (pi >= 0) for (let x = 0; x < n; x++) out.set(ease.items[x], ease.b[pi * n + x]);
      const scale = params.tailScale / (freq[i] + params.lambda);
      for (let t = 0; t < m; t++) {
        const x = partners[t];
        if (pi < 0 || ease.position[x] < 0) out.set(x, count[x] * scale);
      }
      out.end(i);
    },
    {},
    index,
  );
  return out.build();
}

/** Summed co-count as cart weights (protocol B's baseline, top `rows` per product): what the gate falls back to. */
export function fitCocountCart(baskets: Baskets, index: ItemBaskets = transpose(baskets), rows = CART_ROWS): CartWeights {
  const out = new CartRowsBuilder(baskets.itemIds.length, rows);
  forEachAnchor(
    baskets,
    ({anchor, partners, n, count}) => {
      for (let t = 0; t < n; t++) out.set(partners[t], count[partners[t]]);
      out.end(anchor);
    },
    {},
    index,
  );
  return out.build();
}
