/**
 * Per-product lists held as columns of doubles instead of one object per entry: a 20k-product shop's 400k
 * candidates took 48 MiB of heap as objects (and as much garbage to collect on every reload), about 13 MiB
 * as columns (4 doubles each). A list is made into objects only when it is asked for. Read-only once built.
 */
export class CompactLists<T> implements ReadonlyMap<number, readonly T[]> {
  private readonly at = new Map<number, number>();
  private starts: number[] = [0];
  private columns: Float64Array[];
  private pending: number[][];
  private count = 0;

  constructor(
    private readonly width: number,
    private readonly make: (columns: readonly Float64Array[], i: number) => T,
  ) {
    this.pending = Array.from({length: width}, () => []);
    this.columns = [];
  }

  /**
   * Appends a page of entries held as columns (entry `i`: `productIds[i]`, `columns[c][i]`), in list order: a
   * product's entries arrive together (a page may end inside a list; the next page continues it).
   */
  append(productIds: Float64Array, columns: readonly Float64Array[]): void {
    for (let i = 0; i < productIds.length; i++) {
      const productId = productIds[i];
      if (!this.at.has(productId)) {
        if (this.at.size > 0) this.starts.push(this.count);
        this.at.set(productId, this.starts.length - 1);
      }
      for (let c = 0; c < this.width; c++) this.pending[c].push(columns[c][i]);
      this.count += 1;
    }
  }

  /** Packs what was appended into typed columns. */
  seal(): this {
    this.starts.push(this.count);
    this.columns = this.pending.map((values) => Float64Array.from(values));
    this.pending = [];
    return this;
  }

  /** Entries held, all lists together. */
  get total(): number {
    return this.count;
  }

  get size(): number {
    return this.at.size;
  }

  get(productId: number): readonly T[] | undefined {
    const i = this.at.get(productId);
    if (i === undefined) return undefined;
    const list: T[] = [];
    for (let j = this.starts[i]; j < this.starts[i + 1]; j++) list.push(this.make(this.columns, j));
    return list;
  }

  has(productId: number): boolean {
    return this.at.has(productId);
  }

  keys(): MapIterator<number> {
    return this.at.keys();
  }

  *values(): MapIterator<readonly T[]> {
    for (const id of this.at.keys()) yield this.get(id)!;
  }

  *entries(): MapIterator<[number, readonly T[]]> {
    for (const id of this.at.keys()) yield [id, this.get(id)!];
  }

  [Symbol.iterator](): MapIterator<[number, readonly T[]]> {
    return this.entries();
  }

  forEach(callback: (value: readonly T[], key: number, map: ReadonlyMap<number, readonly T[]>) => void): void {
    for (const [id, list] of this.entries()) callback(list, id, this);
  }
}
