import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ApiApp} from './harness';
import {call, startApiApp} from './harness';
import {pid, seedStore} from './fixture';

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
