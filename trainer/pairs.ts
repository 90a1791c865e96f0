import type {Baskets} from './load';
import {sharedArray} from './shared';

/**
 * The pair kernel. Instead of one global hash table of every co-occurring pair (hundreds of millions of
 * entries on a large store), it works one anchor product at a time: the baskets holding the anchor are
 * scanned and their items' counts accumulated in a dense scratch array, then only the anchor's best
 * candidates are kept. Memory stays O(products + kept candidates) whatever the number of pairs, and every
 * access is an integer index into a typed array.
 */

/** Item -> the baskets it appears in, ascending (the transpose of Baskets' CSR). */
export type ItemBaskets = {offsets: Uint32Array; baskets: Uint32Array};

export function transpose(baskets: Baskets): ItemBaskets {
  const nItems = baskets.itemIds.length;
  const end = baskets.offsets[baskets.count];
  const offsets = sharedArray(Uint32Array, nItems + 1);
  for (let k = 0; k < end; k++) offsets[baskets.items[k] + 1]++;
  for (let i = 0; i < nItems; i++) offsets[i + 1] += offsets[i];
  const cursor = offsets.slice(0, nItems);
  const out = sharedArray(Uint32Array, end);
  for (let b = 0; b < baskets.count; b++) {
    for (let k = baskets.offsets[b]; k < baskets.offsets[b + 1]; k++) out[cursor[baskets.items[k]]++] = b;
  }
  return {offsets, baskets: out};
}

/**
 * What a visitor sees for one anchor: `partners[0..n)` are the items bought with it, in the order they were
 * first met (basket order, then line order); `count[p]` and `weight[p]` are dense arrays indexed by item.
 * The arrays are scratch space reused for the next anchor: copy what you keep.
 */
export type AnchorView = {anchor: number; partners: Uint32Array; n: number; count: Uint32Array; weight: Float64Array};

export type KernelOptions = {
  /** Per-basket weight (recency decay, down-weighting of huge wholesale baskets); 1 when absent. */
  basketWeight?: Float64Array;
  /** Only these anchors (default: every item). */
  anchors?: Iterable<number>;
};

export type RankOptions = KernelOptions & {
  /** Items offered to every anchor even when never bought with it (count 0), e.g. the best sellers as a prior. */
  extraCandidates?: ArrayLike<number>;
};

/** Visits every anchor with its co-occurrence counts. O(sum over baskets of size^2) time, O(items) memory. */
export function forEachAnchor(baskets: Baskets, visit: (view: AnchorView) => void, opts: KernelOptions = {}, index = transpose(baskets)): void {
  const nItems = baskets.itemIds.length;
  const count = new Uint32Array(nItems);
  const weight = new Float64Array(nItems);
  const partners = new Uint32Array(nItems);
  const {offsets, items} = baskets;
  const {offsets: holderStart, baskets: holders} = index;
  const w = opts.basketWeight;
  const view: AnchorView = {anchor: 0, partners, n: 0, count, weight};
  const anchors = opts.anchors ?? range(0, nItems);
  // The hot loop (tens of millions of steps): everything it reads is a local, and each array end is read once.
  for (const a of anchors) {
    let n = 0;
    for (let t = holderStart[a], tEnd = holderStart[a + 1]; t < tEnd; t++) {
      const b = holders[t];
      const wb = w ? w[b] : 1;
      for (let k = offsets[b], kEnd = offsets[b + 1]; k < kEnd; k++) {
        const j = items[k];
        if (j === a) continue;
        const c = count[j];
        if (c === 0) partners[n++] = j;
        count[j] = c + 1;
        weight[j] += wb;
      }
    }
    view.anchor = a;
    view.n = n;
    visit(view);
    for (let t = 0; t < n; t++) {
      count[partners[t]] = 0;
      weight[partners[t]] = 0;
    }
  }
}

/** The integers [from, to), one at a time: a range of anchors without an array of them. */
export function* range(from: number, to: number): Iterable<number> {
  for (let a = from; a < to; a++) yield a;
}

/** Per-anchor ranked lists in CSR form: anchor a's companions are `items[offsets[a] .. offsets[a + 1])`, best first. */
export type RankedLists = {offsets: Uint32Array; items: Uint32Array; scores: Float64Array; counts: Uint32Array; weights: Float64Array};

/**
 * Top `k` partners of every anchor by `score(anchor, partner, count, weight)` (higher is better; a score
 * <= 0 or NaN drops the partner). Ties go to the larger count, then to the partner met first, which is the
 * order the evaluation script breaks ties in. A bounded heap keeps this O(pairs * log k).
 */
export function rankPartners(
  baskets: Baskets,
  k: number,
  score: (anchor: number, partner: number, count: number, weight: number) => number,
  opts: RankOptions = {},
  index = transpose(baskets),
): RankedLists {
  const nItems = baskets.itemIds.length;
  const out = new RankedListsBuilder(nItems, Math.min(nItems * k, 1 << 20));
  const heap = new TopK(k);
  forEachAnchor(
    baskets,
    ({anchor, partners, n, count, weight}) => {
      heap.clear();
      for (let t = 0; t < n; t++) {
        const j = partners[t];
        const s = score(anchor, j, count[j], weight[j]);
        if (s > 0) heap.offer(s, count[j], t, j);
      }
      const extra = opts.extraCandidates;
      for (let e = 0; extra && e < extra.length; e++) {
        const j = extra[e];
        if (j === anchor || count[j] !== 0) continue;
        const s = score(anchor, j, 0, 0);
        if (s > 0) heap.offer(s, 0, n + e, j);
      }
      const m = heap.drain();
      out.next(anchor);
      for (let r = 0; r < m; r++) {
        const j = heap.sortedItem[r];
        out.push(j, heap.sortedScore[r], count[j], weight[j]);
      }
    },
    opts,
    index,
  );
  return out.finish();
}

/**
 * Builds RankedLists anchor by anchor, in increasing anchor order, on typed arrays that grow as needed: `next(a)`
 * opens anchor a's list (anchors skipped get empty lists), `push` appends to it, `finish` trims and returns.
 */
export class RankedListsBuilder {
  private readonly offsets: Uint32Array;
  private items: Uint32Array;
  private scores: Float64Array;
  private counts: Uint32Array;
  private weights: Float64Array;
  private used = 0;
  private anchor = -1;

  constructor(
    private readonly nItems: number,
    capacity: number,
  ) {
    const cap = Math.max(1, capacity);
    this.offsets = new Uint32Array(nItems + 1);
    this.items = new Uint32Array(cap);
    this.scores = new Float64Array(cap);
    this.counts = new Uint32Array(cap);
    this.weights = new Float64Array(cap);
  }

  next(a: number): void {
    for (let x = this.anchor + 1; x <= a; x++) this.offsets[x] = this.used;
    this.anchor = a;
  }

  push(item: number, score: number, count: number, weight: number): void {
    if (this.used === this.items.length) this.grow();
    const at = this.used++;
    this.items[at] = item;
    this.scores[at] = score;
    this.counts[at] = count;
    this.weights[at] = weight;
  }

  /** Entries in the open anchor's list so far. */
  get length(): number {
    return this.used - this.offsets[this.anchor];
  }

  /** Entry r of the open anchor's list. */
  item(r: number): number {
    return this.items[this.offsets[this.anchor] + r];
  }

  finish(): RankedLists {
    this.next(this.nItems);
    const n = this.used;
    return {offsets: this.offsets, items: this.items.slice(0, n), scores: this.scores.slice(0, n), counts: this.counts.slice(0, n), weights: this.weights.slice(0, n)};
  }

  private grow(): void {
    const cap = this.items.length * 2;
    const to = <T extends Uint32Array | Float64Array>(a: T): T => {
      const next = new (a.constructor as new (n: number) => T)(cap);
      next.set(a);
      return next;
    };
    this.items = to(this.items);
    this.scores = to(this.scores);
    this.counts = to(this.counts);
    this.weights = to(this.weights);
  }
}

/** A min-heap of the k best (score, count, -order) candidates, on typed arrays. */
class TopK {
  private readonly score: Float64Array;
  private readonly count: Uint32Array;
  private readonly order: Uint32Array;
  private readonly item: Uint32Array;
  readonly sortedScore: Float64Array;
  readonly sortedItem: Uint32Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.score = new Float64Array(k);
    this.count = new Uint32Array(k);
    this.order = new Uint32Array(k);
    this.item = new Uint32Array(k);
    this.sortedScore = new Float64Array(k);
    this.sortedItem = new Uint32Array(k);
  }

  clear(): void {
    this.size = 0;
  }

  /** True when slot x ranks below slot y (is worse). */
  private worse(x: number, y: number): boolean {
    if (this.score[x] !== this.score[y]) return this.score[x] < this.score[y];
    if (this.count[x] !== this.count[y]) return this.count[x] < this.count[y];
    return this.order[x] > this.order[y];
  }

  private beats(s: number, c: number, o: number, slot: number): boolean {
    if (s !== this.score[slot]) return s > this.score[slot];
    if (c !== this.count[slot]) return c > this.count[slot];
    return o < this.order[slot];
  }

  private set(slot: number, s: number, c: number, o: number, i: number): void {
    this.score[slot] = s;
    this.count[slot] = c;
    this.order[slot] = o;
    this.item[slot] = i;
  }

  private swap(x: number, y: number): void {
    const s = this.score[x], c = this.count[x], o = this.order[x], i = this.item[x];
    this.set(x, this.score[y], this.count[y], this.order[y], this.item[y]);
    this.set(y, s, c, o, i);
  }

  private down(slot: number): void {
    for (;;) {
      const l = 2 * slot + 1;
      if (l >= this.size) return;
      const r = l + 1;
      const child = r < this.size && this.worse(r, l) ? r : l;
      if (!this.worse(child, slot)) return;
      this.swap(child, slot);
      slot = child;
    }
  }

  offer(s: number, c: number, o: number, i: number): void {
    if (this.k === 0) return;
    if (this.size < this.k) {
      let slot = this.size++;
      this.set(slot, s, c, o, i);
      while (slot > 0) {
        const parent = (slot - 1) >> 1;
        if (!this.worse(slot, parent)) break;
        this.swap(slot, parent);
        slot = parent;
      }
    } else if (this.beats(s, c, o, 0)) {
      this.set(0, s, c, o, i);
      this.down(0);
    }
  }

  /** Empties the heap into sortedScore/sortedItem, best first; returns how many. */
  drain(): number {
    const m = this.size;
    for (let r = m - 1; r >= 0; r--) {
      this.sortedScore[r] = this.score[0];
      this.sortedItem[r] = this.item[0];
      this.size--;
      if (this.size > 0) {
        this.swap(0, this.size);
        this.down(0);
      }
    }
    return m;
  }
}

/**
 * Boundaries [cuts[s], cuts[s + 1]) of `shards` anchor ranges holding about equal shares of a cumulative measure:
 * `prefix[a]` is the measure of anchors before a (prefix.length - 1 anchors). Splits work across threads.
 */
export function equalCuts(prefix: ArrayLike<number>, shards: number): number[] {
  const nItems = prefix.length - 1;
  const cuts = [0];
  for (let s = 1, a = 0; s < shards; s++) {
    while (a < nItems && prefix[a] < (prefix[nItems] * s) / shards) a++;
    cuts.push(a);
  }
  cuts.push(nItems);
  return cuts;
}
