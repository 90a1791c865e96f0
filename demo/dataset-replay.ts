/**
 * Replays a real order file in the contract CSV (`order_id,product_id[,quantity,price,created_at,title]`, gzip
 * when it ends in .gz) as store orders: string product ids become Shopify-like integer ids and a catalogue entry
 * is synthesised from each product's title. Bad input is reported, never thrown: a missing file or wrong header
 * is a `reason`, a broken row is counted in `stats.skippedRows`.
 */
import {createReadStream} from 'node:fs';
import {stat} from 'node:fs/promises';
import type {Readable} from 'node:stream';
import {createGunzip} from 'node:zlib';
import {parse} from 'csv-parse/sync';
import {createInterface} from 'node:readline';
import {LINE_ID_BASE, ORDER_ID_BASE, PRODUCT_ID_BASE, VARIANT_ID_BASE, handleize} from '../devkit/store-generator';
import type {StoreOrder, StoreOrderLine, StoreProduct} from '../devkit/store-generator';

export interface DatasetStats {
  rows: number;
  orders: number;
  skippedRows: number;
  /** Why rows were skipped, counted per reason. */
  skipReasons: Record<string, number>;
  /** Orders without created_at in the source, given synthetic times in file order. */
  synthesizedDates: number;
  /** Set when the file stopped being readable part-way (truncated gzip, I/O error); the orders before it stand. */
  error?: string;
}

export interface DatasetReplay {
  /** Source product id -> integer product id. */
  productIds: Map<string, number>;
  /** The synthesised catalogue, filled in as orders are read. */
  products: Map<number, StoreProduct>;
  stats: DatasetStats;
  /** The orders in file order; one pass only. */
  orders(): AsyncGenerator<StoreOrder>;
}

export type DatasetOpenResult = {ok: true; replay: DatasetReplay} | {ok: false; reason: string};

const REQUIRED = ['order_id', 'product_id'] as const;
const SYNTHETIC_START_MS = Date.parse('2025-01-01T00:00:00Z');

/** Opens `path` and checks its header; the orders are then streamed by `replay.orders()`. */
export async function readDatasetOrders(path: string, options: {currency?: string} = {}): Promise<DatasetOpenResult> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return {ok: false, reason: `dataset ${path} is not a file`};
  } catch {
    return {ok: false, reason: `dataset file not found: ${path}`};
  }
  let source: Readable = createReadStream(path);
  if (path.endsWith('.gz')) source = source.pipe(createGunzip());
  const skipReasons: Record<string, number> = {};
  const stats: DatasetStats = {rows: 0, orders: 0, skippedRows: 0, skipReasons, synthesizedDates: 0};
  const skip = (reason: string): void => {
    stats.skippedRows++;
    skipReasons[reason] = (skipReasons[reason] ?? 0) + 1;
  };
  // The contract puts one record per line (no field holds a line break), so an unclosed quote spoils one row,
  // not the rest of the file; csv-parse handles the lines that quote.
  const lines = createInterface({input: source, crlfDelay: Infinity})[Symbol.asyncIterator]();
  source.on('error', (error) => lines.throw?.(error));
  const records = {
    async next(): Promise<IteratorResult<string[] | undefined>> {
      for (;;) {
        const line = await lines.next();
        if (line.done) return {done: true, value: undefined};
        if (line.value.trim() === '') continue;
        return {done: false, value: parseLine(line.value)};
      }
    },
  };

  let header: string[];
  try {
    const first = await records.next();
    if (first.done) return {ok: false, reason: `dataset ${path} is empty`};
    if (!first.value) return {ok: false, reason: `dataset ${path} has an unreadable header line`};
    header = first.value.map((h) => h.trim().toLowerCase());
  } catch (error) {
    source.destroy();
    return {ok: false, reason: `cannot read dataset ${path}: ${(error as Error).message}`};
  }
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    source.destroy();
    return {
      ok: false,
      reason: `dataset ${path} lacks column(s) ${missing.join(', ')}; expected a header like order_id,product_id,quantity,price,created_at,title, found: ${header.join(',')}`,
    };
  }
  const column = (name: string): number => header.indexOf(name);
  const columns = {
    order: column('order_id'), product: column('product_id'), quantity: column('quantity'),
    price: column('price'), createdAt: column('created_at'), title: column('title'),
  };

  const productIds = new Map<string, number>();
  const products = new Map<number, StoreProduct>();
  const handles = new Set<string>();
  const seenOrders = new Set<string>();
  const currency = options.currency ?? 'USD';

  const productFor = (sourceId: string, title: string, price: string, createdAt: string): number => {
    const known = productIds.get(sourceId);
    if (known !== undefined) return known;
    const n = productIds.size + 1;
    const id = PRODUCT_ID_BASE + n;
    productIds.set(sourceId, id);
    const name = title || `Product ${sourceId}`;
    let handle = handleize(name) || `product-${n}`;
    if (handles.has(handle)) handle = `${handle}-${n}`;
    handles.add(handle);
    products.set(id, {
      id, variantId: VARIANT_ID_BASE + n, title: name, handle,
      productType: productTypeFrom(name), vendor: 'Replayed store', tags: ['replay'],
      description: name, price: price || '0.00', status: 'active', giftCard: false,
      inventory: 100, available: true, hasImage: true, createdAt, updatedAt: createdAt,
    });
    return id;
  };

  async function* orders(): AsyncGenerator<StoreOrder> {
    let current: {key: string; order: StoreOrder} | undefined;
    let lineId = LINE_ID_BASE;
    const finish = (): StoreOrder | undefined => {
      if (!current || current.order.lines.length === 0) return undefined;
      stats.orders++;
      return current.order;
    };
    try {
      for (;;) {
        const next = await records.next();
        if (next.done) break;
        const row = next.value;
        stats.rows++;
        if (!row) {
          skip('unreadable CSV record');
          continue;
        }
        if (row.length !== header.length) {
          skip(`wrong number of fields (expected ${header.length})`);
          continue;
        }
        const field = (i: number): string => (i >= 0 ? row[i].trim() : '');
        const orderKey = field(columns.order);
        const sourceProduct = field(columns.product);
        if (!orderKey || !sourceProduct) {
          skip('empty order_id or product_id');
          continue;
        }
        const quantityText = field(columns.quantity);
        const quantity = quantityText === '' ? 1 : Number(quantityText);
        if (!Number.isInteger(quantity) || quantity <= 0) {
          skip('quantity is not a positive integer');
          continue;
        }
        const priceText = field(columns.price);
        const price = priceText === '' ? '' : Number(priceText);
        if (price !== '' && !(Number.isFinite(price) && price >= 0)) {
          skip('price is not a number >= 0');
          continue;
        }
        const createdText = field(columns.createdAt);
        if (createdText !== '' && Number.isNaN(Date.parse(createdText))) {
          skip('created_at is not a date');
          continue;
        }
        if (current?.key !== orderKey) {
          if (seenOrders.has(orderKey)) {
            skip('order rows not contiguous');
            continue;
          }
          const done = finish();
          if (done) yield done;
          seenOrders.add(orderKey);
          const index = seenOrders.size;
          let createdAt = createdText ? new Date(createdText).toISOString().slice(0, 19) + 'Z' : '';
          if (!createdAt) {
            stats.synthesizedDates++;
            createdAt = new Date(SYNTHETIC_START_MS + index * 600_000).toISOString().slice(0, 19) + 'Z';
          }
          current = {
            key: orderKey,
            order: {
              id: ORDER_ID_BASE + index, name: `#${1000 + index}`, createdAt, updatedAt: createdAt,
              cancelledAt: null, customerId: null, currency, lines: [],
            },
          };
        }
        const priceString = price === '' ? '' : price.toFixed(2);
        const productId = productFor(sourceProduct, field(columns.title), priceString, current.order.createdAt);
        const p = products.get(productId) as StoreProduct;
        const line: StoreOrderLine = {
          id: ++lineId, productId, variantId: p.variantId, title: p.title, quantity, price: priceString || p.price,
        };
        current.order.lines.push(line);
      }
    } catch (error) {
      stats.error = `dataset ${path} stopped being readable after ${stats.rows} rows: ${(error as Error).message}`;
    }
    const last = finish();
    if (last) yield last;
  }

  return {ok: true, replay: {productIds, products, stats, orders}};
}

function parseLine(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',');
  try {
    const [record] = parse(line, {relax_column_count: true, bom: true}) as string[][];
    return record;
  } catch {
    return undefined;
  }
}

/** The last word of a title, as a crude product type ("WHITE HANGING HEART T-LIGHT HOLDER" -> "Holder"). */
function productTypeFrom(title: string): string {
  const word = title.split(/\s+/).filter((w) => /[a-z]/i.test(w)).pop() ?? '';
  return word ? word[0].toUpperCase() + word.slice(1).toLowerCase() : '';
}
