/**
 * A synthetic Shopify store, deterministic from a seed: a catalogue and a stream of orders with the shapes a
 * real store has (Zipf popularity, seasonality, wholesale outliers, sold-out / draft / gift-card / brand-new
 * products) plus planted companion pairs and 3-item bundles whose ground truth is exported, so a trainer can
 * be checked against what was put in. Orders are yielded one at a time: 1M orders never sit in memory.
 */
import {createWriteStream} from 'node:fs';
import {mkdir} from 'node:fs/promises';
import {dirname} from 'node:path';
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {createGzip} from 'node:zlib';
import {hashString, randomSamplers, zipfSampler} from './random';
import type {Random} from './random';
import {csvField} from '../domain/csv';

/** Shopify-like numeric ids: large integers in distinct ranges so a mixed-up id is obvious. */
export const PRODUCT_ID_BASE = 7_000_000_000_000;
export const VARIANT_ID_BASE = 44_000_000_000_000;
export const ORDER_ID_BASE = 5_000_000_000_000;
export const LINE_ID_BASE = 13_000_000_000_000;
export const CUSTOMER_ID_BASE = 6_000_000_000_000;

export interface StoreProduct {
  id: number;
  variantId: number;
  title: string;
  handle: string;
  productType: string;
  vendor: string;
  tags: string[];
  description: string;
  /** Lowest variant price, two decimals, as Shopify's money strings. */
  price: string;
  status: 'active' | 'draft' | 'archived';
  giftCard: boolean;
  inventory: number;
  /**
   * Whether the variant's inventory item counts stock (InventoryItem.tracked); unset: every product but a gift
   * card. An untracked item (print on demand, digital goods) sells at any quantity.
   */
  tracked?: boolean;
  /** What happens once the variant is out of stock (ProductVariant.inventoryPolicy); unset: 'deny'. */
  inventoryPolicy?: 'deny' | 'continue';
  /** Whether any variant can be bought: in stock, untracked, allowed to oversell, or a gift card. */
  available: boolean;
  /** False for the few products shown without an image. */
  hasImage: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface StoreOrderLine {
  id: number;
  /** null for a custom item (no product behind it). */
  productId: number | null;
  variantId: number | null;
  title: string;
  quantity: number;
  price: string;
  /** Line item properties, e.g. `_pairwise` set by a storefront block. */
  properties?: {name: string; value: string}[];
  /** Money taken off this line by the order's discount applications ([N]: the bundle discount). */
  discountAllocations?: {amount: string; applicationIndex: number}[];
}

/** An automatic discount applied to an order, as the order webhook's `discount_applications` lists it. */
export interface StoreDiscountApplication {
  title: string;
  description: string;
  /** "10.0" for 10%. */
  value: string;
  valueType: 'percentage' | 'fixed_amount';
}

export interface StoreOrder {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  customerId: number | null;
  currency: string;
  lines: StoreOrderLine[];
  discountApplications?: StoreDiscountApplication[];
}

export interface StoreOptions {
  seed?: number;
  orders?: number;
  products?: number;
  /** ISO dates bounding created_at. Default: the year 2025. */
  start?: string;
  end?: string;
  currency?: string;
  /** Zipf exponent of product popularity. */
  zipf?: number;
  /** Planted companion pairs and 3-item bundles (defaults scale with the catalogue). */
  pairs?: number;
  bundles?: number;
  /** Probability that an order containing a pair's anchor also contains its companion. */
  pairStrength?: number;
  /** Share of orders built around a planted bundle. */
  bundleRate?: number;
  /** Share of orders that are huge wholesale orders (100-400 lines). */
  wholesaleRate?: number;
  /** Share of orders cancelled (kept, but not for training); default 0. */
  cancelRate?: number;
  /** Share of orders with one custom line item (no product); default 0. */
  customItemRate?: number;
  soldOutRate?: number;
  draftRate?: number;
  newRate?: number;
}

/** What was planted: the answers a trainer should find. Ids are product ids. */
export interface GroundTruth {
  /** anchor -> companion: the companion is added to `pairStrength` of the anchor's orders. */
  pairs: {anchor: number; companion: number}[];
  bundles: {products: [number, number, number]}[];
  /** Products that never appear in any order (brand new). */
  unsold: number[];
  /** Products whose sales peak in one month. */
  seasonal: {product: number; peakMonth: number}[];
}

export interface Store {
  options: Required<StoreOptions>;
  products: StoreProduct[];
  productsById: Map<number, StoreProduct>;
  truth: GroundTruth;
  /** The order stream, sorted by created_at; a fresh, identical stream on every call. */
  orders(): Generator<StoreOrder>;
}

const DEFAULTS: Required<StoreOptions> = {
  seed: 1,
  orders: 1000,
  products: 100,
  start: '2025-01-01T00:00:00Z',
  end: '2026-01-01T00:00:00Z',
  currency: 'USD',
  zipf: 1.05,
  pairs: -1,
  bundles: -1,
  pairStrength: 0.5,
  bundleRate: 0.04,
  wholesaleRate: 0.0005,
  cancelRate: 0,
  customItemRate: 0,
  soldOutRate: 0.05,
  draftRate: 0.03,
  newRate: 0.02,
};

const PRODUCT_TYPES: {type: string; nouns: string[]; price: [number, number]; tags: string[]}[] = [
  {type: 'Mug', nouns: ['Mug', 'Cup', 'Tumbler', 'Beaker'], price: [8, 28], tags: ['kitchen', 'drinkware']},
  {type: 'Tea', nouns: ['Tea', 'Infusion', 'Blend', 'Chai'], price: [6, 24], tags: ['pantry', 'tea']},
  {type: 'Candle', nouns: ['Candle', 'Tealight Set', 'Pillar Candle'], price: [10, 45], tags: ['home', 'scent']},
  {type: 'Blanket', nouns: ['Throw', 'Blanket', 'Quilt'], price: [35, 160], tags: ['home', 'textiles']},
  {type: 'Notebook', nouns: ['Notebook', 'Journal', 'Sketchbook', 'Planner'], price: [7, 32], tags: ['stationery']},
  {type: 'Pen', nouns: ['Pen', 'Pencil Set', 'Fountain Pen', 'Marker Set'], price: [3, 60], tags: ['stationery']},
  {type: 'Plant Pot', nouns: ['Planter', 'Pot', 'Vase'], price: [9, 70], tags: ['garden', 'home']},
  {type: 'Seeds', nouns: ['Seed Kit', 'Bulbs', 'Herb Seeds'], price: [4, 18], tags: ['garden']},
  {type: 'Soap', nouns: ['Soap', 'Hand Wash', 'Bath Bar'], price: [5, 22], tags: ['bath', 'care']},
  {type: 'Towel', nouns: ['Towel', 'Bath Sheet', 'Washcloth Set'], price: [12, 55], tags: ['bath', 'textiles']},
  {type: 'Bag', nouns: ['Tote', 'Backpack', 'Pouch', 'Satchel'], price: [15, 140], tags: ['accessories']},
  {type: 'Scarf', nouns: ['Scarf', 'Beanie', 'Mittens'], price: [14, 75], tags: ['accessories', 'apparel']},
];
const ADJECTIVES = [
  'Rustic', 'Classic', 'Modern', 'Cosy', 'Bright', 'Quiet', 'Wild', 'Golden', 'Misty', 'Sunny', 'Northern',
  'Coastal', 'Urban', 'Vintage', 'Little', 'Grand', 'Everyday', 'Weekend', 'Heritage', 'Studio', 'Alpine',
  'Meadow', 'Harbour', 'Orchard', 'Velvet', 'Linen', 'Smoky', 'Fresh', 'Soft', 'Bold', 'Calm', 'Lucky',
  'Happy', 'Simple', 'Amber', 'Crisp', 'Dusky', 'Gentle', 'Hidden', 'Lunar',
];
const MATERIALS = [
  'Oak', 'Walnut', 'Ceramic', 'Stoneware', 'Cotton', 'Wool', 'Bamboo', 'Copper', 'Brass', 'Glass', 'Leather',
  'Canvas', 'Clay', 'Jute', 'Cedar', 'Slate', 'Marble', 'Hemp', 'Silk', 'Rattan',
];
const COLOURS = ['Sage', 'Ochre', 'Indigo', 'Rose', 'Charcoal', 'Ivory', 'Teal', 'Rust', 'Plum', 'Sand'];
const VENDORS = [
  'Fernleaf & Co', 'Northwind Goods', 'Little Harbour', 'Oak & Ember', 'Paper Lantern', 'Saltmarsh Studio',
  'Bramble House', 'Copperfield', 'Kettle & Crumb', 'Juniper Lane', 'Stonebridge', 'Wren Workshop',
];
const SEASON_TAGS: {tag: string; peakMonth: number}[] = [
  {tag: 'winter', peakMonth: 12},
  {tag: 'summer', peakMonth: 7},
  {tag: 'spring', peakMonth: 4},
  {tag: 'autumn', peakMonth: 10},
];

/** Builds the store: the catalogue and ground truth now, the orders lazily through `store.orders()`. */
export function generateStore(options: StoreOptions = {}): Store {
  const opts = resolveOptions(options);
  const random = randomSamplers(opts.seed);
  const startMs = Date.parse(opts.start);
  const endMs = Date.parse(opts.end);
  const products = makeCatalogue(opts, random, startMs, endMs);
  const productsById = new Map(products.map((p) => [p.id, p]));

  const sellable = products.filter((p) => !p.giftCard && !isBrandNew(p, endMs));
  const popularity = shuffled(sellable, random);
  const giftCards = products.filter((p) => p.giftCard);
  const truth = plant(opts, popularity, random);
  truth.unsold = products.filter((p) => isBrandNew(p, endMs)).map((p) => p.id);
  truth.seasonal = popularity
    .filter((p) => seasonOf(p) !== undefined)
    .map((p) => ({product: p.id, peakMonth: seasonOf(p) as number}));

  return {
    options: opts,
    products,
    productsById,
    truth,
    orders: () => orderStream(opts, popularity, giftCards, truth, startMs, endMs),
  };
}

function resolveOptions(options: StoreOptions): Required<StoreOptions> {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const opts: Required<StoreOptions> = {...DEFAULTS, ...defined};
  if (!Number.isInteger(opts.products) || opts.products < 1) throw new RangeError('products must be an integer >= 1');
  if (!Number.isInteger(opts.orders) || opts.orders < 0) throw new RangeError('orders must be an integer >= 0');
  if (!(Date.parse(opts.end) > Date.parse(opts.start))) throw new RangeError('end must be a date after start');
  if (opts.pairs < 0) opts.pairs = clamp(Math.round(opts.products * 0.03), 1, 3000);
  if (opts.bundles < 0) opts.bundles = clamp(Math.round(opts.products * 0.01), 1, 1000);
  return opts;
}

function makeCatalogue(opts: Required<StoreOptions>, random: Random, startMs: number, endMs: number): StoreProduct[] {
  const products: StoreProduct[] = [];
  const titles = new Set<string>();
  const giftCardCount = opts.products >= 20 ? 2 : 0;
  for (let n = 0; n < opts.products; n++) {
    const id = PRODUCT_ID_BASE + n + 1;
    if (n < giftCardCount) {
      const amount = n === 0 ? 25 : 50;
      products.push(product(id, `Gift Card $${amount}`, 'Gift Card', VENDORS[0], ['gift card'],
        `A digital gift card worth $${amount}, delivered by email.`, `${amount}.00`, {
          giftCard: true, inventory: 0, status: 'active', createdAt: iso(startMs - 90 * DAY_MS), updatedAt: iso(startMs),
        }));
      continue;
    }
    const kind = random.pick(PRODUCT_TYPES);
    const title = uniqueTitle(titles, `${random.pick(ADJECTIVES)} ${random.pick(MATERIALS)} ${random.pick(kind.nouns)}`, random);
    const vendor = random.pick(VENDORS);
    const colour = random.pick(COLOURS);
    const tags = [...kind.tags, colour.toLowerCase()];
    if (random.chance(0.1)) tags.push(random.pick(SEASON_TAGS).tag);
    const [low, high] = kind.price;
    const price = priceString(low + (high - low) * Math.pow(random.next(), 1.6), random);
    // The first non-gift-card product is never brand new, so even a one-product store can take orders.
    const brandNew = n > giftCardCount && random.chance(opts.newRate);
    const createdMs = brandNew ? endMs - random.int(7 * DAY_MS) : startMs - random.int(365 * DAY_MS);
    products.push(product(id, title, kind.type, vendor, tags,
      `${title} in ${colour.toLowerCase()}, made by ${vendor}. ${describe(kind.type, random)}`, price, {
        giftCard: false,
        inventory: random.chance(opts.soldOutRate) ? 0 : 1 + random.int(200),
        status: random.chance(opts.draftRate) ? 'draft' : 'active',
        createdAt: iso(createdMs),
        updatedAt: iso(Math.min(endMs, createdMs + random.int(30 * DAY_MS))),
      }));
    products[products.length - 1].hasImage = !random.chance(0.03);
  }
  return products;
}

function product(id: number, title: string, productType: string, vendor: string, tags: string[], description: string,
  price: string, rest: Pick<StoreProduct, 'giftCard' | 'inventory' | 'status' | 'createdAt' | 'updatedAt'>): StoreProduct {
  return {
    id,
    variantId: VARIANT_ID_BASE + (id - PRODUCT_ID_BASE),
    title,
    handle: handleize(title),
    productType,
    vendor,
    tags,
    description,
    price,
    ...rest,
    available: rest.giftCard || rest.inventory > 0,
    hasImage: true,
  };
}

/** Whether the product's one inventory item is tracked: as set, else every product but a gift card. */
export const isTracked = (p: StoreProduct): boolean => p.tracked ?? !p.giftCard;

const DESCRIPTION_LINES = [
  'Small-batch and made to last.', 'A favourite gift that is easy to wrap.', 'Pairs well with the rest of the range.',
  'Designed in our studio, finished by hand.', 'Each one is a little different.', 'Care: wipe clean, keep dry.',
];

function describe(type: string, random: Random): string {
  return `${random.pick(DESCRIPTION_LINES)} ${random.pick(DESCRIPTION_LINES)} Part of our ${type.toLowerCase()} collection.`;
}

/** A big catalogue exhausts the word lists: a colour comes in next, and only then a model number. */
function uniqueTitle(seen: Set<string>, title: string, random: Random): string {
  let candidate = title;
  for (let tries = 0; seen.has(candidate) && tries < 4; tries++) candidate = `${random.pick(COLOURS)} ${title}`;
  while (seen.has(candidate)) candidate = `${title} No. ${2 + random.int(9999)}`;
  seen.add(candidate);
  return candidate;
}

/** Shopify's handle rule: lower case, runs of anything else become one hyphen. */
export function handleize(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function priceString(amount: number, random: Random): string {
  const whole = Math.max(1, Math.floor(amount));
  return `${whole}.${random.pick(['00', '50', '95', '99'])}`;
}

function isBrandNew(p: StoreProduct, endMs: number): boolean {
  return Date.parse(p.createdAt) > endMs - 8 * DAY_MS;
}

function seasonOf(p: StoreProduct): number | undefined {
  return SEASON_TAGS.find((s) => p.tags.includes(s.tag))?.peakMonth;
}

/** Picks disjoint products for pairs and bundles from the middle of the popularity range. */
function plant(opts: Required<StoreOptions>, popularity: StoreProduct[], random: Random): GroundTruth {
  const truth: GroundTruth = {pairs: [], bundles: [], unsold: [], seasonal: []};
  const used = new Set<number>();
  const band = popularity.slice(Math.floor(popularity.length * 0.02), Math.max(3, Math.floor(popularity.length * 0.7)));
  const take = (): number | undefined => {
    for (let tries = 0; tries < 50; tries++) {
      const candidate = band[random.int(band.length)];
      if (candidate && !used.has(candidate.id)) {
        used.add(candidate.id);
        return candidate.id;
      }
    }
    return undefined;
  };
  for (let i = 0; i < opts.bundles; i++) {
    const [a, b, c] = [take(), take(), take()];
    if (a === undefined || b === undefined || c === undefined) break;
    truth.bundles.push({products: [a, b, c]});
  }
  for (let i = 0; i < opts.pairs; i++) {
    const [anchor, companion] = [take(), take()];
    if (anchor === undefined || companion === undefined) break;
    truth.pairs.push({anchor, companion});
  }
  return truth;
}

const DAY_MS = 86_400_000;

/**
 * Order times follow a seasonal intensity (a year-long wave, a November-December peak, busier weekends):
 * the i-th of n orders sits at the intensity's inverse CDF of (i + u) / n, so the stream comes out sorted.
 */
function timeline(startMs: number, endMs: number): (quantile: number) => number {
  const days = Math.max(1, Math.ceil((endMs - startMs) / DAY_MS));
  const cumulative = new Float64Array(days + 1);
  for (let d = 0; d < days; d++) {
    const date = new Date(startMs + d * DAY_MS);
    const dayOfYear = (date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS;
    const month = date.getUTCMonth();
    const weekday = date.getUTCDay();
    const intensity = 1 + 0.3 * Math.cos((2 * Math.PI * (dayOfYear - 350)) / 365)
      + (month === 10 && date.getUTCDate() >= 20 ? 1 : 0) + (month === 11 && date.getUTCDate() <= 22 ? 0.8 : 0)
      + (weekday === 0 || weekday === 6 ? 0.2 : 0);
    cumulative[d + 1] = cumulative[d] + intensity;
  }
  const total = cumulative[days];
  const spanMs = endMs - startMs;
  return (quantile) => {
    const target = quantile * total;
    let lo = 0;
    let hi = days - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid + 1] < target) lo = mid + 1;
      else hi = mid;
    }
    const within = (target - cumulative[lo]) / (cumulative[lo + 1] - cumulative[lo]);
    return Math.min(startMs + spanMs - 1000, startMs + (lo + within) * DAY_MS);
  };
}

function* orderStream(opts: Required<StoreOptions>, popularity: StoreProduct[], giftCards: StoreProduct[],
  truth: GroundTruth, startMs: number, endMs: number): Generator<StoreOrder> {
  const random = randomSamplers(opts.seed ^ 0x5eed);
  const zipf = zipfSampler(popularity.length, opts.zipf);
  const at = timeline(startMs, endMs);
  const companionOf = new Map<number, number>();
  const anchorOf = new Map<number, number>();
  for (const {anchor, companion} of truth.pairs) {
    companionOf.set(anchor, companion);
    anchorOf.set(companion, anchor);
  }
  const byId = new Map([...popularity, ...giftCards].map((p) => [p.id, p]));
  const customers = Math.max(10, Math.round(opts.orders / 3));
  const customerZipf = zipfSampler(Math.min(customers, 200_000), 0.6);
  let lineId = LINE_ID_BASE;

  // Per-order state and helpers live outside the loop: a million orders should not mean a million closures.
  const peaks = popularity.map(seasonOf);
  const picked = new Map<number, number>();
  let month = 1;
  const add = (p: StoreProduct | undefined, quantity = 1): void => {
    if (p && !picked.has(p.id)) picked.set(p.id, quantity);
  };
  const pickProduct = (): StoreProduct => {
    for (let tries = 0; ; tries++) {
      const index = zipf(random);
      const peak = peaks[index];
      if (tries >= 3 || peak === undefined || monthDistance(peak, month) <= 1 || random.chance(0.25)) return popularity[index];
    }
  };

  for (let i = 0; i < opts.orders; i++) {
    const createdMs = Math.floor(at((i + random.next()) / opts.orders) / 1000) * 1000;
    month = new Date(createdMs).getUTCMonth() + 1;
    picked.clear();

    if (random.chance(opts.wholesaleRate)) {
      const size = Math.min(popularity.length, 100 + random.int(300));
      for (let guard = 0; picked.size < size && guard < size * 20; guard++) add(pickProduct(), 6 * (1 + random.int(20)));
    } else {
      if (truth.bundles.length > 0 && random.chance(opts.bundleRate)) {
        const bundle = truth.bundles[random.int(truth.bundles.length)].products;
        const skip = random.chance(0.25) ? random.int(3) : -1;
        for (let k = 0; k < bundle.length; k++) if (k !== skip) add(byId.get(bundle[k]));
      }
      const size = 1 + geometric(random, 0.45);
      for (let k = 0; k < size; k++) add(pickProduct(), random.chance(0.85) ? 1 : 2 + random.int(3));
      if (giftCards.length > 0 && random.chance(0.01)) add(random.pick(giftCards));
      for (const id of [...picked.keys()]) {
        const companion = companionOf.get(id);
        if (companion !== undefined && random.chance(opts.pairStrength)) add(byId.get(companion));
        const anchor = anchorOf.get(id);
        if (anchor !== undefined && random.chance(opts.pairStrength * 0.4)) add(byId.get(anchor));
      }
    }

    const lines: StoreOrderLine[] = [];
    for (const [id, quantity] of picked) {
      const p = byId.get(id) as StoreProduct;
      lines.push({id: ++lineId, productId: p.id, variantId: p.variantId, title: p.title, quantity, price: p.price});
    }
    if (random.chance(opts.customItemRate)) {
      lines.push({id: ++lineId, productId: null, variantId: null, title: 'Custom engraving', quantity: 1, price: '5.00'});
    }
    const cancelled = random.chance(opts.cancelRate);
    const updatedMs = Math.min(endMs, createdMs + (cancelled ? 3_600_000 : 60_000));
    yield {
      id: ORDER_ID_BASE + i + 1,
      name: `#${1001 + i}`,
      createdAt: iso(createdMs),
      updatedAt: iso(updatedMs),
      cancelledAt: cancelled ? iso(updatedMs) : null,
      customerId: random.chance(0.9) ? CUSTOMER_ID_BASE + 1 + customerZipf(random) : null,
      currency: opts.currency,
      lines,
    };
  }
}

function geometric(random: Random, p: number): number {
  let k = 0;
  while (k < 30 && !random.chance(p)) k++;
  return k;
}

function monthDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 12;
  return Math.min(d, 12 - d);
}

function shuffled<T>(items: T[], random: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function clamp(x: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, x));
}

let isoDay = Number.NaN;
let isoDayPrefix = '';
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** ISO 8601 without milliseconds, the way Shopify writes times; the date part is cached per day (hot path). */
function iso(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== isoDay) {
    isoDay = day;
    isoDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  const seconds = Math.floor((ms - day * DAY_MS) / 1000);
  return `${isoDayPrefix}${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor((seconds % 3600) / 60))}:${pad2(seconds % 60)}Z`;
}


async function writeLines(path: string, chunks: AsyncIterable<string> | Iterable<string>): Promise<void> {
  await mkdir(dirname(path), {recursive: true});
  const source = Readable.from(chunks, {objectMode: false});
  if (path.endsWith('.gz')) await pipeline(source, createGzip({level: 6}), createWriteStream(path));
  else await pipeline(source, createWriteStream(path));
}

/** Joins many small lines into ~64 KB chunks: one stream write per line would cost more than generating them. */
function* chunked(lines: Iterable<string>): Generator<string> {
  let buffer = '';
  for (const line of lines) {
    buffer += line;
    if (buffer.length >= 65_536) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

export interface OrdersCsvSummary {
  orders: number;
  lines: number;
  /** Cancelled orders and custom-item lines are left out of the training CSV, as the trainer would drop them. */
  skippedCancelled: number;
}

const ORDERS_HEADER = 'order_id,product_id,quantity,price,created_at,title\n';

/**
 * Streams orders to the contract CSV `order_id,product_id,quantity,price,created_at,title` (gzip when the path
 * ends in .gz), one row per order line, orders contiguous and in the stream's order. `from` is a store, the
 * options to generate one, or any async stream of orders (a replayed dataset).
 */
export async function writeOrdersCsv(path: string, from: StoreOptions | Store | AsyncIterable<StoreOrder>): Promise<OrdersCsvSummary> {
  const summary: OrdersCsvSummary = {orders: 0, lines: 0, skippedCancelled: 0};
  if (Symbol.asyncIterator in from) {
    const orders = from;
    async function* rows(): AsyncGenerator<string> {
      let buffer = ORDERS_HEADER;
      for await (const order of orders) {
        buffer += orderRows(order, summary);
        if (buffer.length >= 65_536) {
          yield buffer;
          buffer = '';
        }
      }
      if (buffer) yield buffer;
    }
    await writeLines(path, rows());
    return summary;
  }
  const store = isStore(from) ? from : generateStore(from);
  function* rows(): Generator<string> {
    yield ORDERS_HEADER;
    for (const order of store.orders()) yield orderRows(order, summary);
  }
  await writeLines(path, chunked(rows()));
  return summary;
}

function orderRows(order: StoreOrder, summary: OrdersCsvSummary): string {
  if (order.cancelledAt) {
    summary.skippedCancelled++;
    return '';
  }
  summary.orders++;
  let rows = '';
  for (const line of order.lines) {
    if (line.productId === null) continue;
    summary.lines++;
    rows += `${order.id},${line.productId},${line.quantity},${line.price},${order.createdAt},${csvField(line.title)}\n`;
  }
  return rows;
}

/** Writes a catalogue in the contract's products CSV (`product_id,title,product_type,vendor,tags,description,price,available`). */
export async function writeProductsCsv(path: string, from: StoreOptions | Store | StoreProduct[]): Promise<{products: number}> {
  const products = Array.isArray(from) ? from : (isStore(from) ? from : generateStore(from)).products;
  function* rows(): Generator<string> {
    yield 'product_id,title,product_type,vendor,tags,description,price,available\n';
    for (const p of products) {
      const available = p.available && p.status === 'active';
      yield [p.id, p.title, p.productType, p.vendor, p.tags.join(', '), p.description, p.price, available]
        .map((v) => csvField(String(v))).join(',') + '\n';
    }
  }
  await writeLines(path, chunked(rows()));
  return {products: products.length};
}

function isStore(value: object): value is Store {
  return typeof (value as Store).orders === 'function';
}

/** A placeholder product image: a coloured tile with the title's initials, stable for a product. */
export function productImageSvg(p: Pick<StoreProduct, 'title'>): string {
  const hue = hashString(p.title) % 360;
  const initials = p.title.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]).join('').toUpperCase();
  const label = p.title.replace(/[<>&"]/g, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600" role="img" aria-label="${label}">`
    + `<rect width="600" height="600" fill="hsl(${hue} 45% 82%)"/>`
    + `<circle cx="300" cy="270" r="150" fill="hsl(${hue} 40% 62%)"/>`
    + `<text x="300" y="318" font-family="sans-serif" font-size="140" text-anchor="middle" fill="#fff">${initials}</text>`
    + `<text x="300" y="540" font-family="sans-serif" font-size="34" text-anchor="middle" fill="hsl(${hue} 40% 25%)">${label.slice(0, 30)}</text>`
    + `</svg>`;
}
