import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ApiApp} from './harness';
import {call, startApiApp} from './harness';
import {pid, seedStore} from './fixture';
import {productsRepo} from '../../../storage/repos/products';

const SHOP = 'coffee-corner.myshopify.com';
const BASE = 1000;
let app: ApiApp;

beforeAll(async () => {
  app = await startApiApp();
  seedStore(app.services.shopDbs.get(SHOP as never), BASE);
});
afterAll(() => app?.close());

describe('GET /api/products', () => {
  it.each([
    ['everything, best sellers first', '', 8, 'Espresso beans'],
    ['by title', '?query=tea', 2, 'Green tea'],
    ['by vendor', '?query=brewco', 3, 'Ceramic cup'],
    ['LIKE wildcards are literal', '?query=%25', 0, undefined],
    ['pagination', '?limit=2&offset=0', 8, 'Espresso beans'],
  ])('%s', async (_case, qs, total, first) => {
    const {status, json} = await call(app, SHOP, 'GET', `/api/products${qs}`);
    expect(status).toBe(200);
    expect(json.total).toBe(total);
    expect(json.items[0]?.title).toBe(first);
  });

  it('pages through a large catalogue in the same order as one SQL sort of a LIKE over every product', async () => {
    const shop = 'many-products.myshopify.com';
    const db = app.services.shopDbs.get(shop as never);
    seedStore(db, 100_000);
    const products = productsRepo(db);
    db.transaction(() => {
      for (let i = 0; i < 3_500; i++) {
        products.upsert({
          productId: 200_000 + ((i * 7919) % 3_500), title: `Mug ${String(i % 97).padStart(2, '0')}`, handle: `mug-${i}`, status: 'active', available: true,
          price: 5, productType: 'Mug', vendor: i % 3 ? 'Claywork' : 'Brewco', tags: '', description: '', imageUrl: null, giftCard: false,
          createdAt: '2026-11-01T10:00:00Z', updatedAt: '2026-11-01T10:00:00Z',
        });
      }
    })();
    // The reference: the whole match sorted by SQLite in one statement.
    const expected = db.prepare(
      `SELECT p.product_id AS id FROM products p LEFT JOIN model_active a ON a.singleton = 1
       LEFT JOIN model_product_orders m ON m.version = a.version AND m.product_id = p.product_id
       WHERE p.title LIKE '%mug 1%' OR p.handle LIKE '%mug 1%' OR p.vendor LIKE '%mug 1%'
       ORDER BY coalesce(m.orders, 0) DESC, p.title, p.product_id`,
    ).all().map((r) => (r as {id: number}).id);
    expect(expected.length).toBeGreaterThan(300);
    const got: number[] = [];
    for (let offset = 0; offset < expected.length + 100; offset += 100) {
      const {json} = await call(app, shop, 'GET', `/api/products?query=mug%201&limit=100&offset=${offset}`);
      expect(json.total).toBe(expected.length);
      got.push(...json.items.map((p: {productId: number}) => p.productId));
    }
    expect(got).toEqual(expected);
    // Everything: the best sellers, then the products nobody ordered by title, paged across the seam between them.
    const everything = db.prepare(
      `SELECT p.product_id AS id FROM products p LEFT JOIN model_active a ON a.singleton = 1
       LEFT JOIN model_product_orders m ON m.version = a.version AND m.product_id = p.product_id
       ORDER BY coalesce(m.orders, 0) DESC, p.title, p.product_id`,
    ).all().map((r) => (r as {id: number}).id);
    const paged: number[] = [];
    for (let offset = 0; offset < everything.length + 7; offset += 7) {
      const {json} = await call(app, shop, 'GET', `/api/products?limit=7&offset=${offset}`);
      expect(json.total).toBe(everything.length);
      paged.push(...json.items.map((p: {productId: number}) => p.productId));
      if (offset === 7) offset = 700 - 7;
    }
    expect(paged).toEqual([...everything.slice(0, 14), ...everything.slice(700)]);
    const brewco = await call(app, shop, 'GET', '/api/products?query=BREWCO&limit=1');
    expect(brewco.json.total).toBe(1_167 + 3);
  });

  it('the index follows the product writes: a new title is found, the old one no longer, a deleted product neither', async () => {
    const shop = 'renamed-products.myshopify.com';
    const db = app.services.shopDbs.get(shop as never);
    const products = productsRepo(db);
    const write = (title: string) => products.upsert({
      productId: 9_007_199_254_740_000, title, handle: 'the-one', status: 'active', available: true, price: 5, productType: 'Mug', vendor: 'Claywork',
      tags: '', description: '', imageUrl: null, giftCard: false, createdAt: '2026-11-01T10:00:00Z', updatedAt: new Date().toISOString(),
    });
    const found = async (query: string) => (await call(app, shop, 'GET', `/api/products?query=${encodeURIComponent(query)}`)).json.items.map((p: {title: string}) => p.title);
    write('Zebra mug');
    expect(await found('ebra')).toEqual(['Zebra mug']);
    write('Yak mug');
    expect(await found('ebra')).toEqual([]);
    expect(await found('YAK')).toEqual(['Yak mug']);
    expect(await found('the-o')).toEqual(['Yak mug']);
    expect(await found('mug"')).toEqual([]);
    db.transaction(() => products.remove(9_007_199_254_740_000))();
    expect(await found('yak')).toEqual([]);
  });

  it.each([
    ['limit too large', '?limit=1000', 'limit'],
    ['negative offset', '?offset=-1', 'offset'],
  ])('refuses %s with a field error', async (_case, qs, field) => {
    const {status, json} = await call(app, SHOP, 'GET', `/api/products${qs}`);
    expect(status).toBe(400);
    expect(json.error.code).toBe('invalid_input');
    expect(Object.keys(json.error.fields)).toContain(field);
  });
});

describe('GET /api/products/:id/recommendations', () => {
  it('lists companions in rank order with their explanation and why some are hidden', async () => {
    const {status, json} = await call(app, SHOP, 'GET', `/api/products/${pid(BASE, 1)}/recommendations`);
    expect(status).toBe(200);
    expect(json.product.title).toBe('Espresso beans');
    expect(json.model.version).toBe(1);
    const rows = json.companions.map((c: {companionId: number; hidden: string | null; stats: {count: number; source: string} | null}) => [
      c.companionId - BASE, c.hidden, c.stats?.count, c.stats?.source,
    ]);
    expect(rows).toEqual([
      [2, null, 3, 'copurchase'],
      [3, null, 3, 'copurchase'],
      [4, 'low_lift', 1, 'copurchase'],
      [5, 'low_confidence', 0, 'embedding'],
    ]);
  });

  it.each([
    ['unknown id', '/api/products/999999/recommendations', 404],
    ['not a number', '/api/products/abc/recommendations', 400],
    ['negative', '/api/products/-1/recommendations', 400],
  ])('%s: %s answers %i', async (_case, path, expected) => {
    expect((await call(app, SHOP, 'GET', path)).status).toBe(expected);
  });
});
