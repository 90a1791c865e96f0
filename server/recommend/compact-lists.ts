/**
 * Per-product lists held as columns of doubles instead of one object per entry: a 20k-product shop's 400k
 * candidates took 48 MiB of heap as objects (and as much garbage to collect on every reload), about 13 MiB
 * as columns (4 doubles each). A list is made into objects only when it is asked for. Read-only once built.
 */
/**
 * Entries per block of the columns. Blocks, not one growing array: until [T] round 4 the entries waited in arrays
 * of numbers and were packed into typed columns when the load ended, which for a 50k-product model (1M entries)
 * was one 117 ms turn of the event loop, and the arrays' growth up to 159 ms within one page's append; columns
 * grown by doubling still copied 4 x 8 MiB in one turn. A full block is never copied again.
 */
const BLOCK = 1 << 16;

export class CompactLists<T> implements ReadonlyMap<number, readonly T[]> {
  private readonly at = new Map<number, number>();
  private starts: number[] = [0];
  /** blocks[b][c]: column `c` of entries b * BLOCK onwards. */
  private blocks: Float64Array[][] = [];
  private count = 0;

  constructor(
    private readonly width: number,
    private readonly make: (columns: readonly Float64Array[], i: number) => T,
  ) {}

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
      const offset = this.count % BLOCK;
      if (offset === 0) this.blocks.push(Array.from({length: this.width}, () => new Float64Array(BLOCK)));
      const block = this.blocks[this.blocks.length - 1];
      for (let c = 0; c < this.width; c++) block[c][offset] = columns[c][i];
      this.count += 1;
    }
  }

  /** Ends the appending: the last block is trimmed to its entries (a small shop's lists hold a few thousand). */
  seal(): this {
    this.starts.push(this.count);
    const used = this.count % BLOCK;
    if (used > 0) this.blocks[this.blocks.length - 1] = this.blocks[this.blocks.length - 1].map((column) => column.slice(0, used));
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
    for (let j = this.starts[i]; j < this.starts[i + 1]; j++) list.push(this.make(this.blocks[Math.floor(j / BLOCK)], j % BLOCK));
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
