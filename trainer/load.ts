import {createReadStream} from 'node:fs';
import {pipeline} from 'node:stream';
import {createGunzip, type ZlibOptions} from 'node:zlib';
import {parse as parseStream} from 'csv-parse';
import {parse as parseSync} from 'csv-parse/sync';
import {sharedArray, sharedFrom} from './shared';
import {MissingColumnError} from '../domain/errors';

/**
 * Orders as integer-indexed baskets of distinct products, in time order (CSR layout: basket `b`'s item indexes
 * are `items[offsets[b] .. offsets[b + 1])`). Typed arrays rather than an object per row keep
 * a 1M-order store in a few tens of MB and let the pair kernel run over flat memory. Items keep the order of
 * their first line in the order, which makes tie-breaking match the evaluation script's.
 */
export type Baskets = {
  offsets: Uint32Array;
  items: Uint32Array;
  /** Milliseconds since the epoch per basket; NaN where the source has no time. */
  timestamps: Float64Array;
  /** Item index -> the source's product id (CSV string; DB mode writes the number as a string). */
  itemIds: string[];
  /** Number of baskets. */
  count: number;
  /** Item index -> title seen in the orders ('' when none). */
  titles: string[];
  /** Item index -> mean unit price seen in the orders (NaN when none). */
  prices: Float64Array;
};

/** A row that could not be used; never fatal, reported with its line number. */
export type BadRow = {line: number; reason: string};

export type LoadResult = {baskets: Baskets; badRows: BadRow[]; badRowCount: number; lines: number; skippedLines: number; cancelledOrders: number};

/** Only the first bad rows are kept with their reasons; the rest are counted. */
const MAX_BAD_ROWS_KEPT = 100;

/**
 * Collects (order, product) lines from any source and turns them into Baskets: orders deduplicated by id,
 * products interned to dense indexes, lines of one order need not be contiguous.
 */
export class BasketBuilder {
  private readonly orderIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  private readonly itemIds: string[] = [];
  private readonly titles: string[] = [];
  private priceSum = new Float64Array(1024);
  private priceCount = new Uint32Array(1024);
  private orderTimes: number[] = [];
  private cancelled: boolean[] = [];
  private lineOrder = new Uint32Array(1 << 16);
  private lineItem = new Uint32Array(1 << 16);
  private lineCount = 0;

  /** Registers an order (idempotent) and returns its index; a later call may mark it cancelled. */
  order(orderId: string, createdAt: number, cancelled = false): number {
    let o = this.orderIndex.get(orderId);
    if (o === undefined) {
      o = this.orderTimes.length;
      this.orderIndex.set(orderId, o);
      this.orderTimes.push(createdAt);
      this.cancelled.push(cancelled);
    } else {
      if (cancelled) this.cancelled[o] = true;
      if (Number.isNaN(this.orderTimes[o])) this.orderTimes[o] = createdAt;
    }
    return o;
  }

  /** Index of a product id, interning it on first sight (with its title, trimmed, when it has none yet). */
  item(productId: string, title = '', price = NaN): number {
    let i = this.itemIndex.get(productId);
    if (i === undefined) {
      i = this.itemIds.length;
      this.itemIndex.set(productId, i);
      this.itemIds.push(productId);
      this.titles.push(title.trim());
      if (i >= this.priceSum.length) {
        this.priceSum = grow(this.priceSum, i + 1);
        this.priceCount = grow(this.priceCount, i + 1);
      }
    } else if (!this.titles[i] && title.trim()) {
      this.titles[i] = title.trim();
    }
    if (Number.isFinite(price)) {
      this.priceSum[i] += price;
      this.priceCount[i]++;
    }
    return i;
  }

  line(order: number, item: number): void {
    if (this.lineCount === this.lineOrder.length) {
      this.lineOrder = grow(this.lineOrder, this.lineCount * 2);
      this.lineItem = grow(this.lineItem, this.lineCount * 2);
    }
    this.lineOrder[this.lineCount] = order;
    this.lineItem[this.lineCount++] = item;
  }

  get cancelledOrders(): number {
    return this.cancelled.filter(Boolean).length;
  }

  /**
   * Baskets of distinct products, sorted by created_at (stable: ties and undated orders keep arrival order;
   * an undated order takes the time of the order before it). Cancelled and empty orders are dropped.
   */
  build(): Baskets {
    const nOrders = this.orderTimes.length;
    const lineStart = new Uint32Array(nOrders + 1);
    for (let l = 0; l < this.lineCount; l++) lineStart[this.lineOrder[l] + 1]++;
    for (let o = 0; o < nOrders; o++) lineStart[o + 1] += lineStart[o];
    const cursor = lineStart.slice(0, nOrders);
    const byOrder = new Uint32Array(this.lineCount);
    for (let l = 0; l < this.lineCount; l++) byOrder[cursor[this.lineOrder[l]]++] = this.lineItem[l];

    const times = new Float64Array(nOrders);
    let last = -Infinity;
    for (let o = 0; o < nOrders; o++) {
      const t = this.orderTimes[o];
      times[o] = Number.isNaN(t) ? last : t;
      if (!Number.isNaN(t)) last = Math.max(last, t);
    }
    const kept: number[] = [];
    for (let o = 0; o < nOrders; o++) if (!this.cancelled[o] && lineStart[o + 1] > lineStart[o]) kept.push(o);
    kept.sort((a, b) => times[a] - times[b] || a - b);

    const offsets = sharedArray(Uint32Array, kept.length + 1);
    const items = new Uint32Array(this.lineCount);
    const timestamps = sharedArray(Float64Array, kept.length);
    let n = 0;
    // Which basket last took each item: dedupes a basket in one pass, keeping line order.
    const takenBy = new Int32Array(this.itemIds.length).fill(-1);
    kept.forEach((o, b) => {
      for (let l = lineStart[o]; l < lineStart[o + 1]; l++) {
        const item = byOrder[l];
        if (takenBy[item] !== b) {
          takenBy[item] = b;
          items[n++] = item;
        }
      }
      offsets[b + 1] = n;
      timestamps[b] = Number.isFinite(this.orderTimes[o]) ? this.orderTimes[o] : NaN;
    });
    const prices = new Float64Array(this.itemIds.length);
    for (let i = 0; i < prices.length; i++) prices[i] = this.priceCount[i] ? this.priceSum[i] / this.priceCount[i] : NaN;
    return {offsets, items: sharedFrom(Uint32Array, items.subarray(0, n)), timestamps, itemIds: this.itemIds, count: kept.length, titles: this.titles, prices};
  }
}

function grow<T extends Uint32Array | Float64Array>(a: T, min: number): T {
  const next = new (a.constructor as new (n: number) => T)(Math.max(min, a.length * 2));
  next.set(a);
  return next;
}

function parseTime(value: string | undefined): number | null {
  if (!value) return NaN;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

function parseNumber(value: string | undefined): number | null {
  if (value === undefined || value === '') return NaN;
  const x = Number(value);
  return Number.isFinite(x) ? x : null;
}

/**
 * Calls `onRecord(fields, lineNumber)` for every non-empty row of a plain or gzip file, streaming, so memory does
 * not grow with the file. Orders exports hold no line breaks inside fields (contracts), so a line is a row.
 * Unquoted lines (almost all) are split in place in the decoded chunk, without a string per line, and `fields`
 * is one array reused for every row: copy what you keep. Quoted lines (a title with a comma) go through
 * csv-parse, all of a chunk's in one call; a line csv-parse rejects reaches `onBad` with its reason.
 */
async function forEachRecord(file: string, onRecord: (fields: string[], n: number) => void, onBad: (n: number, reason: string) => void): Promise<void> {
  // Large chunks, and a gunzip allowed to run a few chunks ahead of the parser on the thread pool.
  const raw = createReadStream(file, {highWaterMark: 1 << 18});
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip({chunkSize: 1 << 18, highWaterMark: 1 << 20} as ZlibOptions)) : raw;
  raw.on('error', (err) => input.destroy(err));
  input.setEncoding('utf8');
  const fields: string[] = [];
  let quoted = new QuotedLines('', 0);
  let n = 0;
  const row = (text: string, start: number, end: number, hasQuote: boolean) => {
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (end <= start) return;
    if (hasQuote) {
      const record = quoted.take(start, end);
      return typeof record === 'string' ? onBad(n, record) : onRecord(record, n);
    }
    fields.length = 0;
    for (let p = start; ; ) {
      const c = text.indexOf(',', p);
      if (c < 0 || c >= end) {
        fields.push(text.slice(p, end));
        break;
      }
      fields.push(text.slice(p, c));
      p = c + 1;
    }
    onRecord(fields, n);
  };
  let carry = '';
  for await (const chunk of input as AsyncIterable<string>) {
    const text = carry + chunk;
    let start = 0;
    let quote = text.indexOf('"');
    quoted = new QuotedLines(text, text.lastIndexOf('\n'));
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      n++;
      if (quote >= 0 && quote < start) quote = text.indexOf('"', start);
      row(text, start, nl, quote >= 0 && quote < nl);
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  if (carry.length) {
    n++;
    quoted = new QuotedLines(carry, carry.length);
    row(carry, 0, carry.length, carry.includes('"'));
  }
}

/**
 * The quoted lines of one decoded chunk, parsed by csv-parse in one call on the first request (a call per line
 * costs a parser set-up each: a tenth of a second on online-retail). If the batch does not come back as one
 * record per line (a broken quote), each line is parsed alone, so a bad line costs only itself.
 */
class QuotedLines {
  private parsed: Map<number, string[] | string> | null = null;

  /** `limit`: where the chunk's last complete line ends (the rest waits for the next chunk). */
  constructor(private readonly text: string, private readonly limit: number) {}

  /** The record of the line text[start, end), or the reason csv-parse rejected it. */
  take(start: number, end: number): string[] | string {
    this.parsed ??= this.parseAll(start);
    return this.parsed.get(start) ?? QuotedLines.parseOne(this.text.slice(start, end));
  }

  private parseAll(from: number): Map<number, string[] | string> {
    const starts: number[] = [];
    const lines: string[] = [];
    for (let q = this.text.indexOf('"', from); q >= 0 && q < this.limit; ) {
      const start = this.text.lastIndexOf('\n', q) + 1;
      let end = this.text.indexOf('\n', q);
      if (end < 0 || end > this.limit) end = this.limit;
      const line = this.text.slice(start, this.text.charCodeAt(end - 1) === 13 ? end - 1 : end);
      starts.push(start);
      lines.push(line);
      q = this.text.indexOf('"', end);
    }
    const out = new Map<number, string[] | string>();
    let records: string[][] | null = null;
    try {
      records = parseSync(lines.join('\n'), {relax_column_count: true}) as string[][];
    } catch {
      records = null;
    }
    const batchOk = records?.length === lines.length;
    starts.forEach((s, i) => out.set(s, batchOk ? records![i] : QuotedLines.parseOne(lines[i])));
    return out;
  }

  private static parseOne(line: string): string[] | string {
    try {
      const rows = parseSync(line, {relax_column_count: true}) as string[][];
      return rows.length === 1 ? rows[0] : 'a quoted field spans lines';
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }
}

/**
 * Streams an orders CSV (plain or .gz; header with `order_id,product_id` required, `quantity,price,created_at,
 * title,cancelled_at` optional) into Baskets. Lines with no product (custom items, shipping) or a quantity <= 0
 * (returns) are skipped; malformed rows are counted with their line numbers; a missing required column throws
 * MissingColumnError.
 */
export async function loadOrdersCsv(file: string): Promise<LoadResult> {
  const builder = new BasketBuilder();
  const read = await readOrdersCsv(file, builder);
  return {baskets: builder.build(), ...read, cancelledOrders: builder.cancelledOrders};
}

/** Reads one orders CSV into `builder` (several files can share one, e.g. a train and a test file). */
export async function readOrdersCsv(file: string, builder: BasketBuilder): Promise<Omit<LoadResult, 'baskets' | 'cancelledOrders'>> {
  const badRows: BadRow[] = [];
  let badRowCount = 0;
  let skippedLines = 0;
  let lines = 0;
  const bad = (line: number, reason: string) => {
    badRowCount++;
    if (badRows.length < MAX_BAD_ROWS_KEPT) badRows.push({line, reason});
  };
  let col: Record<'order' | 'product' | 'quantity' | 'price' | 'created' | 'title' | 'cancelled', number> | null = null;
  let width = 0;
  // Lines of one order are usually adjacent and share created_at: parse each distinct string once.
  let lastCreatedText: string | undefined;
  let lastCreated: number | null = NaN;
  let lastOrderId: string | undefined;
  let lastOrderTime: number | undefined;
  let lastOrder = 0;

  await forEachRecord(file, (record, line) => {
    if (!col) {
      const header = record.map((h) => h.replace(/^\uFEFF/, '').trim());
      const at = (name: string) => header.indexOf(name);
      col = {order: at('order_id'), product: at('product_id'), quantity: at('quantity'), price: at('price'), created: at('created_at'), title: at('title'), cancelled: at('cancelled_at')};
      width = header.length;
      if (col.order < 0) throw new MissingColumnError('order_id', file);
      if (col.product < 0) throw new MissingColumnError('product_id', file);
      return;
    }
    lines++;
    if (record.length !== width) return bad(line, `expected ${width} fields, found ${record.length}`);
    const orderId = record[col.order].trim();
    const productId = record[col.product].trim();
    if (!orderId) return bad(line, 'empty order_id');
    if (orderId !== lastOrderId) {
      lastOrderId = orderId;
      lastOrderTime = undefined;
    }
    if (col.created >= 0 && record[col.created] !== lastCreatedText) {
      lastCreatedText = record[col.created];
      lastCreated = parseTime(lastCreatedText);
    }
    const createdAt = lastCreated;
    if (createdAt === null) return bad(line, `unreadable created_at "${record[col.created]}"`);
    const quantity = parseNumber(col.quantity >= 0 ? record[col.quantity] : undefined);
    if (quantity === null) return bad(line, `unreadable quantity "${record[col.quantity]}"`);
    const price = parseNumber(col.price >= 0 ? record[col.price] : undefined);
    if (price === null) return bad(line, `unreadable price "${record[col.price]}"`);
    const cancelled = col.cancelled >= 0 && record[col.cancelled].trim() !== '';
    // Lines of one order usually follow each other: look the order up once per run of lines.
    if (lastOrderTime !== createdAt || cancelled) {
      lastOrder = builder.order(orderId, createdAt, cancelled);
      lastOrderTime = createdAt;
    }
    const order = lastOrder;
    if (!productId || quantity <= 0) {
      skippedLines++;
      return;
    }
    // The title is trimmed by item() only when it keeps it: most lines repeat a product already seen.
    builder.line(order, builder.item(productId, col.title >= 0 ? record[col.title] : '', price));
  }, (line, reason) => {
    lines++;
    bad(line, reason);
  });
  if (!col) throw new MissingColumnError('order_id', file);
  return {badRows, badRowCount, lines, skippedLines};
}

/** Baskets restricted to a range of basket indexes (time split), sharing the item index space. */
export function sliceBaskets(baskets: Baskets, from: number, to: number): Baskets {
  const start = baskets.offsets[from];
  const offsets = sharedFrom(Uint32Array, baskets.offsets.subarray(from, to + 1));
  for (let b = 0; b < offsets.length; b++) offsets[b] -= start;
  return {
    ...baskets,
    offsets,
    items: baskets.items.subarray(start, baskets.offsets[to]),
    timestamps: baskets.timestamps.subarray(from, to),
    count: to - from,
  };
}

/** Number of baskets each item appears in (on shared memory: the kernel passes' worker threads read it). */
export function itemFrequencies(baskets: Baskets): Uint32Array {
  const freq = sharedArray(Uint32Array, baskets.itemIds.length);
  for (let k = 0; k < baskets.offsets[baskets.count]; k++) freq[baskets.items[k]]++;
  return freq;
}

/** A catalogue product from `--products` (contracts: product_id,title,product_type,vendor,tags,description,price,available). */
export type CatalogueProduct = {index: number; title: string; product_type: string; vendor: string; tags: string; description: string};

/** What `--products` gave: the catalogue, and the rows that could not be used (counted as for orders). */
export type ProductsResult = {products: CatalogueProduct[]; badRows: BadRow[]; badRowCount: number};

/** Where csv-parse is in the file when it hands over a record or rejects one. */
type ParseInfo = {lines: number; empty_lines: number};

/**
 * Reads a products CSV (plain or .gz) into `builder` before the orders, so products nobody has ordered yet get
 * an index (and a cold-start list). Only product_id is required. A catalogue's descriptions hold line breaks
 * inside quoted fields, so the whole file goes through csv-parse's streaming parser, not the orders' line
 * reader. A row csv-parse rejects, a row of the wrong width, one with no product_id or an unreadable price is
 * left out and counted with the line it starts on.
 */
export async function readProductsCsv(file: string, builder: BasketBuilder): Promise<ProductsResult> {
  const products: CatalogueProduct[] = [];
  const badRows: BadRow[] = [];
  let badRowCount = 0;
  const bad = (line: number, reason: string) => {
    badRowCount++;
    if (badRows.length < MAX_BAD_ROWS_KEPT) badRows.push({line, reason});
  };
  // csv-parse says on which line a record ends; the next one starts after it and the blank lines between.
  let lastEnd = 0;
  let lastEmpty = 0;
  const startLine = (at: ParseInfo) => {
    const line = lastEnd + 1 + at.empty_lines - lastEmpty;
    lastEnd = at.lines;
    lastEmpty = at.empty_lines;
    return line;
  };
  const parser = parseStream({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // A CsvError carries the parser's position (lines, empty_lines) beside its message.
    on_skip: (err) => void (err && bad(startLine(err as unknown as ParseInfo), err.message)),
  });
  // A read or gunzip error destroys the parser, which ends the loop below with that error.
  pipeline([createReadStream(file), ...(file.endsWith('.gz') ? [createGunzip()] : []), parser], () => {});
  let col: Record<'id' | 'title' | 'type' | 'vendor' | 'tags' | 'description' | 'price', number> | null = null;
  let width = 0;
  for await (const {record, info} of parser as AsyncIterable<{record: string[]; info: ParseInfo}>) {
    const line = startLine(info);
    if (!col) {
      const header = record.map((h) => h.trim());
      const at = (name: string) => header.indexOf(name);
      col = {id: at('product_id'), title: at('title'), type: at('product_type'), vendor: at('vendor'), tags: at('tags'), description: at('description'), price: at('price')};
      width = header.length;
      if (col.id < 0) throw new MissingColumnError('product_id', file);
      continue;
    }
    const problem = productRowProblem(record, width, col);
    if (problem) {
      bad(line, problem);
      continue;
    }
    const get = (c: number) => (c >= 0 ? record[c].trim() : '');
    const index = builder.item(get(col.id), get(col.title), parseNumber(get(col.price)) ?? NaN);
    products.push({index, title: get(col.title), product_type: get(col.type), vendor: get(col.vendor), tags: get(col.tags), description: get(col.description)});
  }
  if (!col) throw new MissingColumnError('product_id', file);
  return {products, badRows, badRowCount};
}

/** Why a products row cannot be used, or null when it can. */
function productRowProblem(record: string[], width: number, col: {id: number; price: number}): string | null {
  if (record.length !== width) return `expected ${width} fields, found ${record.length}`;
  if (!record[col.id].trim()) return 'empty product_id';
  if (col.price >= 0 && parseNumber(record[col.price].trim()) === null) return `unreadable price "${record[col.price]}"`;
  return null;
}
