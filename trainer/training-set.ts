import type {Baskets} from './load';
import {itemFrequencies, sliceBaskets} from './load';
import type {ItemBaskets} from './pairs';
import {transpose} from './pairs';

/**
 * The training set: the orders and what every stage reads from them, each computed once when a run starts
 * (pipeline.ts's train), so the stages share one copy instead of each counting the same orders again. In full
 * mode the rolling-origin slices are cut once too, each slice's training part carrying its own counts.
 */

/** A run of orders and what the stages read from them. */
export type Orders = {
  baskets: Baskets;
  /** Orders holding each product (item index). */
  freq: Uint32Array;
  /** The products ordered at least once, most ordered first, ties to the first seen: the best sellers. */
  popular: Uint32Array;
  /** Product -> the orders holding it (pairs.ts); built on first read, since a stats run indexes only all the orders. */
  readonly index: ItemBaskets;
};

/** A rolling-origin slice: a model fitted on `train` (everything before the slice) is judged on `test`. */
export type Slice = {train: Orders; test: Baskets};

/** What full mode validates on. */
export type Validation = {
  /** The rolling-origin slices, oldest first; the last is the validation slice. */
  slices: Slice[];
  /** The orders whose products validation coverage asks for (pipeline.ts's COVERAGE_SHARE). */
  coverageQueries: Baskets;
};

/** Products by number of orders, most first; ties keep first-seen order; products never ordered are left out. */
export function popularityOrder(freq: Uint32Array): Uint32Array {
  const order = Uint32Array.from({length: freq.length}, (_, i) => i).filter((i) => freq[i] > 0);
  return order.sort((x, y) => freq[y] - freq[x] || x - y);
}

/** `baskets` with their counts, best sellers and (on first read) item index. */
export function trainingOrders(baskets: Baskets): Orders {
  const freq = itemFrequencies(baskets);
  let index: ItemBaskets | undefined;
  return {
    baskets,
    freq,
    popular: popularityOrder(freq),
    get index() {
      return (index ??= transpose(baskets));
    },
  };
}

/** Splits baskets in time order: the first `1 - holdout` share trains, the rest is held out (protocol: 20%). */
export function timeSplit(baskets: Baskets, holdout = 0.2): {train: Baskets; test: Baskets} {
  const cut = Math.floor(baskets.count * (1 - holdout));
  return {train: sliceBaskets(baskets, 0, cut), test: sliceBaskets(baskets, cut, baskets.count)};
}

/**
 * Rolling-origin slices for the gate: `slices` consecutive blocks of `share` of the orders at the end of the
 * period, each held out from a model trained on everything before it. The last is timeSplit(baskets, share).
 */
export function rollingSlices(baskets: Baskets, slices = 3, share = 0.1): {train: Baskets; test: Baskets}[] {
  return Array.from({length: slices}, (_, f) => {
    const cut = Math.floor(baskets.count * (1 - (slices - f) * share));
    const end = f === slices - 1 ? baskets.count : Math.floor(baskets.count * (1 - (slices - f - 1) * share));
    return {train: sliceBaskets(baskets, 0, cut), test: sliceBaskets(baskets, cut, end)};
  });
}

/** `slices` rolling-origin slices of `share` of the orders each, with their training parts' counts. */
export function trainingSlices(baskets: Baskets, slices: number, share: number): Slice[] {
  return rollingSlices(baskets, slices, share).map(({train, test}) => ({train: trainingOrders(train), test}));
}

/**
 * Full mode's validation data: `slices` rolling-origin slices of `share` of the orders each, and the most recent
 * `coverageShare` of the orders, whose products coverage asks for.
 */
export function trainingValidation(baskets: Baskets, {slices, share, coverageShare}: {slices: number; share: number; coverageShare: number}): Validation {
  return {slices: trainingSlices(baskets, slices, share), coverageQueries: timeSplit(baskets, coverageShare).test};
}
