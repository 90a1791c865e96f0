import type {Companions} from './blend';
import {SOURCES} from './blend';
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
  const offsets = new Uint32Array(nItems + 1);
  const items: number[] = [];
  const scores: number[] = [];
  const counts: number[] = [];
  const sources: number[] = [];
  const gathered = new Float64Array(nItems);
  const touched: number[] = [];
  let cold = 0;
  for (let a = 0; a < nItems; a++) {
    offsets[a] = items.length;
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
      const kept = touched.slice(0, opts.k);
      for (const x of kept) {
        items.push(x);
        scores.push(gathered[x]);
        counts.push(0);
        sources.push(SIMILAR);
      }
      for (const x of touched) gathered[x] = 0;
      // Short lists keep the product's own entries (its few co-purchases, then best sellers) below the borrowed ones.
      const floor = scores[scores.length - 1];
      for (let t = companions.offsets[a]; t < companions.offsets[a + 1] && items.length - offsets[a] < opts.k; t++) {
        if (kept.includes(companions.items[t])) continue;
        items.push(companions.items[t]);
        scores.push(floor / (2 + t - companions.offsets[a]));
        counts.push(companions.counts[t]);
        sources.push(companions.sources[t]);
      }
    } else {
      for (let t = companions.offsets[a]; t < companions.offsets[a + 1]; t++) {
        items.push(companions.items[t]);
        scores.push(companions.scores[t]);
        counts.push(companions.counts[t]);
        sources.push(companions.sources[t]);
      }
    }
  }
  offsets[nItems] = items.length;
  return {
    companions: {offsets, items: Uint32Array.from(items), scores: Float64Array.from(scores), counts: Uint32Array.from(counts), sources: Uint8Array.from(sources)},
    cold,
  };
}
