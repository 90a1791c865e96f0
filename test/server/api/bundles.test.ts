import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ApiApp} from './harness';
import {call, startApiApp} from './harness';
import {pid, seedStore} from './fixture';

const SHOP = 'coffee-corner.myshopify.com';
const EMPTY = 'new-store.myshopify.com';
let app: ApiApp;

beforeAll(async () => {
  app = await startApiApp();
  seedStore(app.services.shopDbs.get(SHOP as never), 1000);
});
afterAll(() => app?.close());

describe('bundles', () => {
  it('lists the bundles with their products, support and lift', async () => {
    const {status, json} = await call(app, SHOP, 'GET', '/api/bundles');
    expect(status).toBe(200);
    expect(json.total).toBe(2);
    expect(json.items[0]).toMatchObject({bundleId: 1, support: 0.2, lift: 3.1, count: 2});
    expect(json.items[0].products.map((p: {title: string}) => p.title)).toEqual(['Espresso beans', 'Milk frother', 'Ceramic cup']);
    expect(json.promoted).toBeNull();
    expect(json.items.map((b: {promoted: boolean}) => b.promoted)).toEqual([false, false]);
  });

  it('promotes one to the block and takes it out again, republishing its products', async () => {
    const before = app.republished.length;
    const tea = [5, 6, 7].map((n) => pid(1000, n));
    expect((await call(app, SHOP, 'PUT', '/api/bundles/2/promote')).json.promoted).toEqual(tea);
    expect((await call(app, SHOP, 'GET', '/api/bundles')).json.items.map((b: {promoted: boolean}) => b.promoted)).toEqual([false, true]);
    // Stored as its products: bundle ids are renumbered by the next training run, the products are not.
    expect((await call(app, SHOP, 'GET', '/api/settings')).json.settings.promotedBundle).toEqual(tea);
    expect(app.republished.slice(before)[0].productIds).toEqual([5, 6, 7].map((n) => pid(1000, n)));
    expect((await call(app, SHOP, 'DELETE', '/api/bundles/promoted')).status).toBe(200);
    expect((await call(app, SHOP, 'DELETE', '/api/bundles/promoted')).status).toBe(404);
  });

  it.each([
    ['an unknown bundle', SHOP, '/api/bundles/99/promote', 404],
    ['a bundle of a shop with no model', EMPTY, '/api/bundles/1/promote', 404],
    ['a bad id', SHOP, '/api/bundles/x/promote', 400],
  ])('refuses promoting %s', async (_case, shop, path, expected) => {
    expect((await call(app, shop, 'PUT', path)).status).toBe(expected);
  });

  it('answers an empty list before the first model', async () => {
    const {status, json} = await call(app, EMPTY, 'GET', '/api/bundles');
    expect(status).toBe(200);
    expect(json).toMatchObject({items: [], total: 0, model: null});
  });
});
