/**
 * Cart weights: for each product i, the products it votes for in a cart and how strongly (`weight(i, x)`; a
 * negative weight says "not with this"). A cart scores x by the sum of its products' weights, as the server and
 * `../shared/bench/eval-cart.mjs` do. CSR over item indexes: product i's rows are
 * `items[offsets[i] .. offsets[i + 1])` with `weights` alongside, largest |weight| first.
 */
export type CartWeights = {offsets: Uint32Array; items: Uint32Array; weights: Float32Array};

/** Rows per product in cart.csv (contracts): those of largest |weight|. */
export const CART_ROWS = 100;

/**
 * Builds CartWeights one product at a time, in item order: each product's candidate weights are written to
 * a dense scratch over the catalogue with `set`, and `end` keeps the `rows` largest by |weight|.
 */
export class CartRowsBuilder {
  private readonly offsets: Uint32Array;
  private items: Uint32Array;
  private weights: Float32Array;
  private readonly scratch: Float64Array;
  private readonly seen: Uint8Array;
  private readonly touched: number[] = [];
  private n = 0;
  private next = 0;

  constructor(private readonly nItems: number, private readonly rows = CART_ROWS) {
    this.offsets = new Uint32Array(nItems + 1);
    this.items = new Uint32Array(Math.min(nItems * rows, 1 << 16));
    this.weights = new Float32Array(this.items.length);
    this.scratch = new Float64Array(nItems);
    this.seen = new Uint8Array(nItems);
  }

  /** Product `i`'s weight for `x` (the last value set wins). */
  set(x: number, weight: number): void {
    if (!this.seen[x]) {
      this.seen[x] = 1;
      this.touched.push(x);
    }
    this.scratch[x] = weight;
  }

  /** Closes product `i`'s rows (products are closed in item order; skipped ones get none). */
  end(i: number): void {
    while (this.next < i) this.offsets[++this.next] = this.n;
    const {scratch, touched} = this;
    const kept = touched.filter((x) => x !== i && scratch[x] !== 0);
    // Largest |weight| first; ties to the lower index, so the rows are the same on every run.
    const before = (x: number, y: number) => Math.abs(scratch[y]) - Math.abs(scratch[x]) || x - y;
    const take = Math.min(this.rows, kept.length);
    // A product bought with thousands of others: select its top rows before sorting them.
    if (kept.length > 2 * take) {
      selectFirst(kept, take, before);
      kept.length = take;
    }
    kept.sort(before);
    kept.length = take;
    if (this.n + take > this.items.length) {
      const size = Math.max(this.items.length * 2, this.n + take);
      this.items = grown(this.items, size);
      this.weights = grown(this.weights, size);
    }
    for (let r = 0; r < take; r++) {
      this.items[this.n] = kept[r];
      this.weights[this.n++] = scratch[kept[r]];
    }
    this.offsets[++this.next] = this.n;
    for (const x of touched) {
      scratch[x] = 0;
      this.seen[x] = 0;
    }
    touched.length = 0;
  }

  build(): CartWeights {
    while (this.next < this.nItems) this.offsets[++this.next] = this.n;
    return {offsets: this.offsets, items: this.items.slice(0, this.n), weights: this.weights.slice(0, this.n)};
  }
}

/** Reorders `a` so that its first `k` elements are the k smallest by `cmp` (quickselect, any order among them). */
export function selectFirst(a: number[], k: number, cmp: (x: number, y: number) => number): void {
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (cmp(a[i], pivot) < 0) i++;
      while (cmp(a[j], pivot) > 0) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else return;
  }
}

function grown<T extends Uint32Array | Float32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
