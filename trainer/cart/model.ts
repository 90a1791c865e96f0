import type {Baskets} from '../load';
import {itemFrequencies} from '../load';
import {rankPartners, transpose} from '../pairs';
import type {ItemBaskets, RankedLists} from '../pairs';
import type {EaseParams} from './ease';
import {fitEase} from './ease';
import type {CartWeights} from './weights';
import {CART_ROWS, CartRowsBuilder} from './weights';

/**
 * The cart model: EASE over the most-ordered products, and for the pairs EASE does not cover (either product
 * outside its dense part) a single-product ridge weight, count(i, x) / (orders(i) + λ), scaled by `tailScale`:
 * what EASE itself gives x from i when i is the only product that explains x. Those tail candidates are each
 * product's CART_ROWS most co-bought, so a dense product's tail rows come from the non-dense ones among them.
 */

export type CartParams = EaseParams & {tailScale: number};

export function fitCart(baskets: Baskets, params: CartParams, index: ItemBaskets = transpose(baskets), rows = CART_ROWS): CartWeights {
  const ease = fitEase(baskets, params);
  const n = ease.items.length;
  const nItems = baskets.itemIds.length;
  const tail = params.tailScale > 0 ? mostCoBought(baskets, rows, index) : null;
  const freq = itemFrequencies(baskets);
  const out = new CartRowsBuilder(nItems, rows);
  for (let i = 0; i < nItems; i++) {
    const pi = ease.position[i];
    if (pi >= 0) for (let x = 0; x < n; x++) out.set(ease.items[x], ease.b[pi * n + x]);
    if (tail) {
      const scale = params.tailScale / (freq[i] + params.lambda);
      for (let t = tail.offsets[i]; t < tail.offsets[i + 1]; t++) {
        const x = tail.items[t];
        if (pi < 0 || ease.position[x] < 0) out.set(x, tail.counts[t] * scale);
      }
    }
    out.end(i);
  }
  return out.build();
}

/** Each product's `rows` most co-bought products (ties to the larger count, then the first met). */
function mostCoBought(baskets: Baskets, rows: number, index: ItemBaskets): RankedLists {
  return rankPartners(baskets, rows, (_a, _b, count) => count, {}, index);
}

/** Summed co-count as cart weights (protocol B's baseline, top `rows` per product): what the gate falls back to. */
export function fitCocountCart(baskets: Baskets, index: ItemBaskets = transpose(baskets), rows = CART_ROWS): CartWeights {
  const lists = mostCoBought(baskets, rows, index);
  return {offsets: lists.offsets, items: lists.items, weights: Float32Array.from(lists.counts)};
}
