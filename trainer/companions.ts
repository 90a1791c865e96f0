import type {Baskets} from './load';
import type {ItemBaskets, RankedLists} from './pairs';
import {forEachAnchor, transpose} from './pairs';
import {sharedArray, sharedFrom} from './shared';

// The published lists (what recommendations.csv, pairs.csv and model_pairs hold): built from ranked lists with
// the popularity back-fill, and their co-purchase counts filled in.

/** Where a published companion comes from (model_pairs.source). */
export const SOURCES = ['copurchase', 'popular', 'embedding', 'similar'] as const;

/** The published lists: product a's companions are `[offsets[a], offsets[a + 1])`, best first, with their counts. */
export type Companions = {offsets: Uint32Array; items: Uint32Array; scores: Float64Array; counts: Uint32Array; sources: Uint8Array};

/** Builds Companions anchor by anchor: `next(a)` opens anchor a's list, `push` appends to it. */
export class CompanionsBuilder {
  private readonly offsets: Uint32Array;
  private readonly items: number[] = [];
  private readonly scores: number[] = [];
  private readonly counts: number[] = [];
  private readonly sources: number[] = [];
  private anchor = -1;

  constructor(private readonly nItems: number) {
    this.offsets = sharedArray(Uint32Array, nItems + 1);
  }

  /** Opens anchor a's list (anchors in increasing order; skipped ones get empty lists). */
  next(a: number): void {
    for (let x = this.anchor + 1; x <= a; x++) this.offsets[x] = this.items.length;
    this.anchor = a;
  }

  push(item: number, score: number, count: number, source: number): void {
    this.items.push(item);
    this.scores.push(score);
    this.counts.push(count);
    this.sources.push(source);
  }

  /** Entries in the open anchor's list so far. */
  get length(): number {
    return this.items.length - this.offsets[this.anchor];
  }

  /** Score of the open list's last entry (undefined when it is empty). */
  lastScore(): number | undefined {
    return this.length > 0 ? this.scores[this.scores.length - 1] : undefined;
  }

  /** Whether the open list already holds `item`. */
  has(item: number): boolean {
    for (let t = this.offsets[this.anchor]; t < this.items.length; t++) if (this.items[t] === item) return true;
    return false;
  }

  build(): Companions {
    this.next(this.nItems);
    const {offsets, items, scores, counts, sources} = this;
    return {offsets, items: sharedFrom(Uint32Array, items), scores: sharedFrom(Float64Array, scores), counts: sharedFrom(Uint32Array, counts), sources: sharedFrom(Uint8Array, sources)};
  }
}

/**
 * Turns ranked lists into the published top `k` for every product that was ordered: lists shorter than `k`
 * are back-filled with best sellers (source 'popular', scores below the list's last) so every product page
 * has something to show.
 */
export function publishLists(lists: RankedLists, popular: ArrayLike<number>, ordered: (item: number) => boolean, k: number): Companions {
  const nItems = lists.offsets.length - 1;
  const out = new CompanionsBuilder(nItems);
  const inList = new Uint8Array(nItems);
  for (let a = 0; a < nItems; a++) {
    if (!ordered(a)) continue;
    out.next(a);
    for (let t = lists.offsets[a]; t < lists.offsets[a + 1] && out.length < k; t++) {
      out.push(lists.items[t], lists.scores[t], lists.counts[t], lists.counts[t] > 0 ? 0 : 1);
      inList[lists.items[t]] = 1;
    }
    let floor = out.lastScore() ?? 1;
    for (let p = 0; p < popular.length && out.length < k; p++) {
      const x = popular[p];
      if (x === a || inList[x]) continue;
      floor /= 2;
      out.push(x, floor, 0, 1);
    }
    for (let t = lists.offsets[a]; t < lists.offsets[a + 1]; t++) inList[lists.items[t]] = 0;
  }
  return out.build();
}

/**
 * Back-filled companions may still have been bought with their anchor: looks their true counts up (one kernel
 * pass over the anchors that have any) so every published pair explains itself with real figures.
 */
export function fillCounts(baskets: Baskets, companions: Companions, index: ItemBaskets = transpose(baskets)): void {
  const anchors: number[] = [];
  for (let a = 0; a < companions.offsets.length - 1; a++) {
    for (let t = companions.offsets[a]; t < companions.offsets[a + 1]; t++) {
      if (companions.counts[t] === 0) {
        anchors.push(a);
        break;
      }
    }
  }
  forEachAnchor(
    baskets,
    ({anchor, count}) => {
      for (let t = companions.offsets[anchor]; t < companions.offsets[anchor + 1]; t++) {
        companions.counts[t] = count[companions.items[t]];
      }
    },
    {anchors},
    index,
  );
}
