import {execFile} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {gunzipSync, gzipSync} from 'node:zlib';
import {parse} from 'csv-parse/sync';
import {afterAll, describe, expect, it} from 'vitest';
import {readDatasetOrders} from '../../demo/dataset-replay';
import type {DatasetReplay} from '../../demo/dataset-replay';
import {PRODUCT_ID_BASE, generateStore, productImageSvg, writeOrdersCsv, writeProductsCsv} from '../../devkit/store-generator';
import type {StoreOrder, StoreOptions} from '../../devkit/store-generator';

const dir = mkdtempSync(join(tmpdir(), 'pairwise-generator-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

function allOrders(options: StoreOptions): StoreOrder[] {
  return [...generateStore(options).orders()];
}

describe('generateStore', () => {
  it('gives the same store for the same seed and a different one for another seed', () => {
    const a = generateStore({seed: 7, orders: 500, products: 200});
    const b = generateStore({seed: 7, orders: 500, products: 200});
    const c = generateStore({seed: 8, orders: 500, products: 200});
    expect(b.products).toEqual(a.products);
    expect(b.truth).toEqual(a.truth);
    expect([...b.orders()]).toEqual([...a.orders()]);
    expect([...a.orders()]).toEqual([...a.orders()]);
    expect(c.products.map((p) => p.title)).not.toEqual(a.products.map((p) => p.title));
  });

  it.each([
    {products: 1, orders: 5},
    {products: 3, orders: 0},
    {products: 20, orders: 100},
    {products: 1000, orders: 3000},
  ])('makes $products products and $orders orders', ({products, orders}) => {
    const store = generateStore({seed: 1, products, orders});
    const list = [...store.orders()];
    expect(store.products).toHaveLength(products);
    expect(list).toHaveLength(orders);
    expect(new Set(store.products.map((p) => p.handle)).size).toBe(products);
    for (const order of list) {
      expect(order.lines.length).toBeGreaterThan(0);
      expect(new Set(order.lines.map((l) => l.productId)).size).toBe(order.lines.length);
      for (const line of order.lines) expect(store.productsById.has(line.productId as number)).toBe(true);
    }
  });

  it.each([
    {option: 'products', value: 0},
    {option: 'orders', value: -1},
    {option: 'end', value: '2020-01-01T00:00:00Z'},
  ])('rejects $option = $value', ({option, value}) => {
    expect(() => generateStore({[option]: value})).toThrow(RangeError);
  });

  const store = generateStore({seed: 3, orders: 20_000, products: 2_000, wholesaleRate: 0.002});
  const orders = [...store.orders()];

  it('has the catalogue mix a real store has', () => {
    const share = (pred: (p: (typeof store.products)[number]) => boolean): number =>
      store.products.filter(pred).length / store.products.length;
    expect(share((p) => !p.available)).toBeGreaterThan(0.02);
    expect(share((p) => !p.available)).toBeLessThan(0.1);
    expect(share((p) => p.status === 'draft')).toBeGreaterThan(0.01);
    expect(store.products.filter((p) => p.giftCard)).toHaveLength(2);
    expect(store.truth.unsold.length).toBeGreaterThan(10);
    for (const p of store.products) {
      expect(p.id).toBeGreaterThan(PRODUCT_ID_BASE);
      expect(p.price).toMatch(/^\d+\.\d\d$/);
      expect(p.title.length).toBeGreaterThan(3);
      expect(p.description.length).toBeGreaterThan(20);
    }
    expect(productImageSvg(store.products[5])).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg".*<\/svg>$/);
  });

  it('never sells brand-new products and keeps order times sorted inside the range', () => {
    const sold = new Set(orders.flatMap((o) => o.lines.map((l) => l.productId)));
    for (const id of store.truth.unsold) expect(sold.has(id)).toBe(false);
    const times = orders.map((o) => Date.parse(o.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(Date.parse(store.options.start));
    expect(times.at(-1)).toBeLessThan(Date.parse(store.options.end));
  });

  it('is skewed (Zipf), seasonal, and has a few huge wholesale orders', () => {
    const counts = new Map<number, number>();
    for (const o of orders) for (const l of o.lines) counts.set(l.productId as number, (counts.get(l.productId as number) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top1pc = sorted.slice(0, Math.ceil(sorted.length / 100)).reduce((a, b) => a + b, 0);
    const all = sorted.reduce((a, b) => a + b, 0);
    expect(top1pc / all).toBeGreaterThan(0.1);

    const perMonth = new Array(12).fill(0);
    for (const o of orders) perMonth[new Date(o.createdAt).getUTCMonth()]++;
    expect(perMonth[11]).toBeGreaterThan(perMonth[5] * 1.3);
    expect(perMonth[10]).toBeGreaterThan(perMonth[3]);

    const wholesale = orders.filter((o) => o.lines.length >= 100);
    expect(wholesale.length).toBeGreaterThan(5);
    expect(wholesale.length).toBeLessThan(200);
  });

  it('plants companion pairs and bundles far above chance', () => {
    const n = orders.length;
    const contains = orders.map((o) => new Set(o.lines.map((l) => l.productId)));
    const frequency = (ids: number[]): number => contains.filter((s) => ids.every((id) => s.has(id))).length / n;
    const lifts = store.truth.pairs.slice(0, 20).map(({anchor, companion}) => {
      const both = frequency([anchor, companion]);
      return both / (frequency([anchor]) * frequency([companion]) || 1);
    });
    lifts.sort((a, b) => a - b);
    expect(lifts[Math.floor(lifts.length / 2)]).toBeGreaterThan(5);
    for (const {products} of store.truth.bundles.slice(0, 5)) expect(frequency(products) * n).toBeGreaterThan(3);
    expect(store.truth.pairs.length).toBe(60);
    expect(store.truth.bundles.length).toBe(20);
  });

  it('brings cancellations and custom items only when asked', () => {
    expect(orders.some((o) => o.cancelledAt)).toBe(false);
    const messy = allOrders({seed: 2, orders: 2000, products: 100, cancelRate: 0.1, customItemRate: 0.1});
    expect(messy.filter((o) => o.cancelledAt).length).toBeGreaterThan(100);
    expect(messy.filter((o) => o.lines.some((l) => l.productId === null)).length).toBeGreaterThan(100);
  });
});

describe('writeOrdersCsv / writeProductsCsv', () => {
  it.each(['orders.csv', 'orders.csv.gz'])('streams the contract CSV to %s', async (name) => {
    const path = join(dir, name);
    const options = {seed: 5, orders: 3000, products: 300, cancelRate: 0.05, customItemRate: 0.05};
    const summary = await writeOrdersCsv(path, options);
    const raw = readFileSync(path);
    const text = (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    const rows = parse(text, {columns: true}) as Record<string, string>[];
    expect(text.split('\n')[0]).toBe('order_id,product_id,quantity,price,created_at,title');
    const expected = allOrders(options).filter((o) => !o.cancelledAt);
    expect(summary.orders).toBe(expected.length);
    expect(summary.skippedCancelled).toBeGreaterThan(0);
    expect(rows).toHaveLength(summary.lines);
    expect(new Set(rows.map((r) => r.order_id)).size).toBe(expected.length);
    expect(rows.every((r) => /^\d+$/.test(r.product_id) && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(r.created_at))).toBe(true);
  });

  it('writes the products CSV in the contract columns', async () => {
    const path = join(dir, 'products.csv');
    const store = generateStore({seed: 5, products: 300, orders: 0});
    await writeProductsCsv(path, store);
    const rows = parse(readFileSync(path, 'utf8'), {columns: true}) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual(['product_id', 'title', 'product_type', 'vendor', 'tags', 'description', 'price', 'available']);
    expect(rows.map((r) => Number(r.product_id))).toEqual(store.products.map((p) => p.id));
    expect(rows.filter((r) => r.available === 'false').length).toBe(
      store.products.filter((p) => !p.available || p.status !== 'active').length);
  });
});

describe('readDatasetOrders', () => {
  async function replayAll(path: string): Promise<{replay: DatasetReplay; orders: StoreOrder[]}> {
    const opened = await readDatasetOrders(path);
    if (!opened.ok) throw new Error(opened.reason);
    const orders: StoreOrder[] = [];
    for await (const o of opened.replay.orders()) orders.push(o);
    return {replay: opened.replay, orders};
  }

  it('round-trips what writeOrdersCsv wrote', async () => {
    const path = join(dir, 'roundtrip.csv.gz');
    await writeOrdersCsv(path, {seed: 9, orders: 500, products: 80});
    const {replay, orders} = await replayAll(path);
    const original = allOrders({seed: 9, orders: 500, products: 80});
    expect(orders.map((o) => o.lines.length)).toEqual(original.map((o) => o.lines.length));
    expect(orders.map((o) => o.createdAt)).toEqual(original.map((o) => o.createdAt));
    expect(replay.stats.skippedRows).toBe(0);
    expect(replay.products.size).toBe(replay.productIds.size);
  });

  it.each([
    {case: 'a missing file', file: null, reason: /not found/},
    {case: 'an empty file', file: '', reason: /empty/},
    {case: 'wrong columns', file: 'invoice,sku\n1,2\n', reason: /lacks column\(s\) order_id, product_id/},
    {case: 'a file that is not gzip', file: 'not gzip at all', gz: true, reason: /cannot read|empty|lacks/},
  ])('answers $case with a reason, not an exception', async ({file, gz, reason}) => {
    const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.csv${gz ? '.gz' : ''}`);
    if (file !== null) writeFileSync(path, file);
    const opened = await readDatasetOrders(path);
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.reason).toMatch(reason);
  });

  it('counts broken rows and keeps the good ones', async () => {
    const path = join(dir, 'broken.csv');
    writeFileSync(path, [
      'order_id,product_id,quantity,price,created_at,title',
      'A1,SKU-1,1,2.50,2024-05-01T10:00:00Z,"Mug, large"',
      'A1,SKU-2,two,1.00,2024-05-01T10:00:00Z,Tea',
      'A2,"SKU-3,1,2,2024-05-02T10:00:00Z,Broken quote',
      'A3,SKU-2,1,1.00,2024-05-03T10:00:00Z,Tea,extra',
      'A4,SKU-2,1,-4,2024-05-03T10:00:00Z,Tea',
      'A5,,1,1.00,2024-05-03T10:00:00Z,Tea',
      'A6,SKU-2,1,1.00,yesterday,Tea',
      'A7,SKU-2,3,1.00,2024-05-04T10:00:00Z,Tea',
      'A7,SKU-1,1,,2024-05-04T10:00:00Z,',
      '',
    ].join('\n'));
    const {replay, orders} = await replayAll(path);
    expect(replay.stats.skippedRows).toBe(6);
    expect(replay.stats.rows).toBe(9);
    expect(orders.map((o) => o.lines.map((l) => [l.productId, l.quantity, l.price]))).toEqual([
      [[PRODUCT_ID_BASE + 1, 1, '2.50']],
      [[PRODUCT_ID_BASE + 2, 3, '1.00'], [PRODUCT_ID_BASE + 1, 1, '2.50']],
    ]);
    expect(replay.products.get(PRODUCT_ID_BASE + 1)?.title).toBe('Mug, large');
  });

  it('gives synthetic, ordered times to a file without dates', async () => {
    const path = join(dir, 'nodates.csv.gz');
    writeFileSync(path, gzipSync('order_id,product_id\n1,milk\n1,bread\n2,milk\n3,eggs\n'));
    const {replay, orders} = await replayAll(path);
    expect(orders).toHaveLength(3);
    expect(replay.stats.synthesizedDates).toBe(3);
    expect(orders[0].createdAt < orders[1].createdAt).toBe(true);
    expect(replay.products.get(replay.productIds.get('milk') as number)?.title).toBe('Product milk');
  });

  const groceries = resolve(import.meta.dirname, '../../../shared/datasets/groceries/orders.csv.gz');
  it.skipIf(!existsSync(groceries))('replays the shared groceries data set (skipped when ../shared is absent)', async () => {
    const {replay, orders} = await replayAll(groceries);
    expect(orders).toHaveLength(9835);
    expect(replay.products.size).toBe(169);
    expect(replay.stats.skippedRows).toBe(0);
  });
});

describe('demo/generate.ts (CLI)', () => {
  const root = resolve(import.meta.dirname, '../..');
  const run = (args: string[]) => new Promise<{code: number; out: string}>((done) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'demo/generate.ts'), ...args], {cwd: root}, (error, stdout, stderr) => {
      done({code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr});
    });
  });

  it('writes orders, products and the ground truth', async () => {
    const out = join(dir, 'cli');
    const {code, out: text} = await run(['--seed', '3', '--orders', '200', '--products', '50', '--out', out]);
    expect(text).toMatch(/^wrote 200 orders \(\d+ lines\), 50 products/);
    expect(code).toBe(0);
    const truth = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8')) as {pairs: unknown[]};
    expect(truth.pairs.length).toBeGreaterThan(0);
    expect(gunzipSync(readFileSync(join(out, 'orders.csv.gz'))).toString('utf8')).toMatch(/^order_id,product_id,quantity,price,created_at,title\n/);
  });

  it.each([
    {case: 'a missing dataset', args: ['--dataset', '/nonexistent/orders.csv.gz'], message: /dataset file not found/},
    {case: 'a bad number', args: ['--orders', 'many'], message: /--orders must be a whole number/},
    {case: 'an unknown option', args: ['--colour', 'red'], message: /Unknown option '--colour'/},
  ])('explains $case without a stack trace', async ({args, message}) => {
    const {code, out} = await run([...args, '--out', join(dir, 'cli-bad')]);
    expect(code).not.toBe(0);
    expect(out).toMatch(message);
    expect(out).not.toMatch(/\n\s+at /);
  });
});
