import {mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {orderPayload, sendWebhook, signedWebhook} from '../../../devkit/webhooks';
import {generateStore} from '../../../devkit/store-generator';
import {ReadPool} from '../../../server/reads/read-pool';
import {openShopDb, shopDbPath} from '../../../storage/open';
import {productsRepo} from '../../../storage/repos/products';
import type {ProductRecord} from '../../../storage/repos/products';
import type {ShopDomain} from '../../../storage/shop-domain';
import {ShopGone} from '../../../domain/errors';
import type {ApiApp} from '../api/harness';
import {call, sessionToken, startApiApp} from '../api/harness';
import {seedStore} from '../api/fixture';

const HEAVY = 'reads-heavy.myshopify.com' as ShopDomain;
const SMALL = 'reads-small.myshopify.com' as ShopDomain;
const HELD = new URL('./held-read-thread.mjs', import.meta.url);

/** Whether a promise has settled, without waiting for it. */
function watch<T>(promise: Promise<T>): {promise: Promise<T>; settled: () => boolean} {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  return {promise, settled: () => done};
}

/** This process's open file descriptors that point at `path` (threads share them). */
function fdsOn(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(path);
    } catch {
      return false;
    }
  }).length;
}

function product(id: number, title: string): ProductRecord {
  return {productId: id, title, handle: `p-${id}`, status: 'active', available: true, price: 10, productType: 'Thing', vendor: 'Maker', tags: '', description: '', imageUrl: null, giftCard: false, createdAt: null, updatedAt: '2026-11-01T00:00:00Z'};
}

describe('admin reads on read threads, beside another shop', () => {
  let app: ApiApp;
  const hold = () => writeFileSync(join(app.dataDir, 'hold-reads'), '');
  const release = () => rmSync(join(app.dataDir, 'hold-reads'), {force: true});

  beforeAll(async () => {
    app = await startApiApp();
    seedStore(app.services.shopDbs.get(HEAVY), 1000);
    // Reads held on demand; two threads, so each shop has one running and another shop always finds a thread.
    await app.services.reads.close();
    app.services.reads = new ReadPool(app.dataDir, {entry: HELD, threads: 2, maxWaitingPerShop: 2});
  });
  afterAll(async () => {
    release();
    await app?.close();
  });

  it('answers another shop\'s webhook while a shop\'s Insights and search are held on a read thread, then answers them', async () => {
    hold();
    const insights = watch(call(app, HEAVY, 'GET', '/api/insights'));
    const search = watch(call(app, HEAVY, 'GET', '/api/products?query=espresso'));
    const [order] = generateStore({seed: 3, products: 10, orders: 1}).orders();
    const res = await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic: 'orders/create', shop: SMALL, secret: app.secret, body: orderPayload(order)}));
    expect(res.status).toBe(200);
    // Read on the event loop, neither would wait for the hold, and the webhook would queue behind them.
    expect(insights.settled()).toBe(false);
    expect(search.settled()).toBe(false);
    release();
    const [i, s] = await Promise.all([insights.promise, search.promise]);
    expect(i.status).toBe(200);
    expect(i.json.communities.map((c: {name: string}) => c.name)).toEqual(['Coffee', 'Tea']);
    expect(s.status).toBe(200);
    expect(s.json.items.map((p: {title: string}) => p.title)).toEqual(['Espresso beans']);
  });

  it('answers 503 with Retry-After when a shop has as many reads waiting as it may, and the others in turn', async () => {
    hold();
    // One running (held) and two waiting fill the shop's queue; the next is refused rather than queued.
    const queued = [0, 1, 2].map(() => watch(call(app, HEAVY, 'GET', '/api/products?query=tea')));
    await new Promise((r) => setTimeout(r, 200));
    const token = await sessionToken({shop: HEAVY, apiKey: app.apiKey, secret: app.secret});
    const refused = await fetch(`${app.url}/api/products?query=tea`, {headers: {authorization: `Bearer ${token}`}, signal: AbortSignal.timeout(5_000)});
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await refused.json()).error.code).toBe('busy');
    // Another shop's read is not refused for the heavy shop's queue.
    const other = watch(call(app, SMALL, 'GET', '/api/products?query=x'));
    release();
    expect((await other.promise).status).toBe(200);
    for (const q of queued) expect((await q.promise).status).toBe(200);
  });
});

describe('the read pool', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pw-read-pool-'));
  afterAll(() => rmSync(dataDir, {recursive: true, force: true}));

  /** A shop file holding these products, created (migrated) as the server creates it. */
  function shopFile(shop: string, titles: string[], base: number): void {
    const db = openShopDb(dataDir, shop);
    const products = productsRepo(db);
    titles.forEach((t, i) => products.upsert(product(base + i, t)));
    db.close();
  }

  it('takes shops in turn: a second shop\'s read does not wait behind all of the first shop\'s', async () => {
    const pool = new ReadPool(dataDir, {entry: HELD, threads: 1});
    try {
      shopFile('turn-a.myshopify.com', ['Alpha'], 1);
      shopFile('turn-b.myshopify.com', ['Beta'], 1);
      writeFileSync(join(dataDir, 'hold-reads'), '');
      const done: string[] = [];
      const read = (shop: string, label: string) => pool.run(shop as ShopDomain, 'productSearch', '', 10, 0).then(() => void done.push(label));
      const all = [read('turn-a.myshopify.com', 'a1'), read('turn-a.myshopify.com', 'a2'), read('turn-a.myshopify.com', 'a3'), read('turn-b.myshopify.com', 'b1')];
      await new Promise((r) => setTimeout(r, 100));
      rmSync(join(dataDir, 'hold-reads'));
      await Promise.all(all);
      expect(done.indexOf('b1')).toBeLessThan(done.indexOf('a3'));
    } finally {
      await pool.close();
    }
  });

  it('runs its threads at a lower priority than the event loop (Linux)', async () => {
    const nice = (tid: string | number) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
    const loop = nice(process.pid);
    const lowered = Math.min(19, loop + 10);
    const count = () => readdirSync('/proc/self/task').filter((tid) => nice(tid) === lowered).length;
    const before = count();
    const pool = new ReadPool(dataDir, {threads: 2});
    try {
      shopFile('nice.myshopify.com', ['Calm'], 1);
      pool.start();
      await Promise.all([pool.run('nice.myshopify.com' as ShopDomain, 'productSearch', '', 10, 0), pool.run('other-nice.myshopify.com' as ShopDomain, 'productSearch', '', 10, 0).catch(() => null)]);
      expect(count()).toBe(before + 2);
      expect(nice(process.pid)).toBe(loop);
    } finally {
      await pool.close();
    }
  });

  it('reads the new file after the shop file is replaced at its path (a restore), and nothing once it is removed', async () => {
    const shop = 'replaced.myshopify.com' as ShopDomain;
    const pool = new ReadPool(dataDir);
    try {
      shopFile(shop, ['Old lamp'], 1);
      expect((await pool.run(shop, 'productSearch', 'lamp', 10, 0)).items.map((p) => p.title)).toEqual(['Old lamp']);
      // The backup restored: another file renamed over the path while the thread holds the old one open.
      shopFile('backup.myshopify.com', ['New kettle'], 1);
      renameSync(shopDbPath(dataDir, 'backup.myshopify.com'), shopDbPath(dataDir, shop));
      expect((await pool.run(shop, 'productSearch', 'lamp', 10, 0)).total).toBe(0);
      expect((await pool.run(shop, 'productSearch', 'kettle', 10, 0)).items.map((p) => p.title)).toEqual(['New kettle']);
      rmSync(shopDbPath(dataDir, shop));
      await expect(pool.run(shop, 'productSearch', 'kettle', 10, 0)).rejects.toBeInstanceOf(ShopGone);
    } finally {
      await pool.close();
    }
  });
});

describe('shop/redact', () => {
  let app: ApiApp;
  beforeAll(async () => {
    app = await startApiApp();
  });
  afterAll(() => app?.close());

  it('closes the read threads\' handles on the shop\'s file with the server\'s own', async () => {
    const shop = 'redacted-reads.myshopify.com';
    seedStore(app.services.shopDbs.get(shop as ShopDomain), 1000);
    expect((await call(app, shop, 'GET', '/api/products?query=teapot')).json.items).toHaveLength(1);
    const path = shopDbPath(app.dataDir, shop);
    expect(fdsOn(path)).toBeGreaterThan(1);
    const res = await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic: 'shop/redact', shop, secret: app.secret, body: {shop_id: 1, shop_domain: shop}}));
    expect(res.status).toBe(200);
    // The deleted file's data stays on disk while any handle holds it open; the threads close theirs on a message.
    for (let i = 0; i < 100 && fdsOn(path) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fdsOn(path)).toBe(0);
  });
});
