import type {Companions} from './companions';
import {CompanionsBuilder, SOURCES} from './companions';
import type {TextNeighbours} from './text';
import {NO_NEIGHBOUR} from './text';

/**
 * Cold start: a product with too few orders to have its own list borrows the co-purchase lists of the
 * products whose text reads most like it (trainer/text.ts), each weighted by that text similarity and by the
 * companion's place in the neighbour's list. Its published list then says 'similar' as its source.
 */

const SIMILAR = SOURCES.indexOf('similar');

export type ColdStartOptions = {
  /** Products with at most this many orders are cold. */
  maxOrders: number;
  /** List length. */
  k: number;
};

/** Replaces the lists of cold products (those with a text neighbour that has a list); returns how many changed. */
export function coldStartLists(companions: Companions, freq: Uint32Array, text: TextNeighbours, opts: ColdStartOptions): {companions: Companions; cold: number} {
  const nItems = companions.offsets.length - 1;
  const rows = Math.min(nItems, text.neighbours.length / text.k);
  const out = new CompanionsBuilder(nItems);
  const gathered = new Float64Array(nItems);
  const touched: number[] = [];
  let cold = 0;
  for (let a = 0; a < nItems; a++) {
    out.next(a);
    touched.length = 0;
    if (a < rows && freq[a] <= opts.maxOrders) {
      for (let j = 0; j < text.k; j++) {
        const n = text.neighbours[a * text.k + j];
        if (n === NO_NEIGHBOUR || n >= nItems || freq[n] <= opts.maxOrders) continue;
        const sim = text.sims[a * text.k + j];
        const start = companions.offsets[n];
        const end = companions.offsets[n + 1];
        for (let t = start; t < end; t++) {
          const x = companions.items[t];
          if (x === a || companions.sources[t] !== 0) continue;
          if (gathered[x] === 0) touched.push(x);
          gathered[x] += sim / (1 + t - start);
        }
      }
    }
    if (touched.length > 0) {
      cold++;
      touched.sort((x, y) => gathered[y] - gathered[x] || x - y);
      for (const x of touched.slice(0, opts.k)) out.push(x, gathered[x], 0, SIMILAR);
      for (const x of touched) gathered[x] = 0;
      // Short lists keep the product's own entries (its few co-purchases, then best sellers) below the borrowed ones.
      const floor = out.lastScore()!;
      for (let t = companions.offsets[a]; t < companions.offsets[a + 1] && out.length < opts.k; t++) {
        if (out.has(companions.items[t])) continue;
        out.push(companions.items[t], floor / (2 + t - companions.offsets[a]), companions.counts[t], companions.sources[t]);
      }
    } else {
      for (let t = companions.offsets[a]; t < companions.offsets[a + 1]; t++) {
        out.push(companions.items[t], companions.scores[t], companions.counts[t], companions.sources[t]);
      }
    }
  }
  return {companions: out.build(), cold};
}
