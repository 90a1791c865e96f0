import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ApiApp} from './harness';
import {call, startApiApp} from './harness';
import {pid, seedStore} from './fixture';

const SHOP = 'coffee-corner.myshopify.com';
const BASE = 1000;
const p = (n: number) => pid(BASE, n);
let app: ApiApp;

const list = async (n: number) => {
  const {json} = await call(app, SHOP, 'GET', `/api/products/${p(n)}/recommendations`);
  return json.companions.map((c: {companionId: number; pinned: boolean; hidden: string | null}) => [c.companionId - BASE, c.pinned, c.hidden]);
};

beforeAll(async () => {
  app = await startApiApp();
  seedStore(app.services.shopDbs.get(SHOP as never), BASE);
});
afterAll(() => app?.close());

describe('pins', () => {
  it('puts pinned companions first in the order given, and republishes the product', async () => {
    const before = app.republished.length;
    const {status, json} = await call(app, SHOP, 'PUT', `/api/products/${p(1)}/pins`, {companionIds: [p(7), p(3)]});
    expect(status).toBe(200);
    expect(json.pins).toEqual([p(7), p(3)]);
    expect(app.republished.slice(before)).toEqual([{shop: SHOP, productIds: [p(1)]}]);
    expect(await list(1)).toEqual([[7, true, null], [3, true, null], [2, false, null], [4, false, 'low_lift'], [5, false, 'low_confidence']]);
  });

  it('reorders and unpins with the same call', async () => {
    await call(app, SHOP, 'PUT', `/api/products/${p(1)}/pins`, {companionIds: [p(3)]});
    expect((await list(1)).slice(0, 2)).toEqual([[3, true, null], [2, false, null]]);
    await call(app, SHOP, 'PUT', `/api/products/${p(1)}/pins`, {companionIds: []});
    expect((await list(1))[0]).toEqual([2, false, null]);
  });

  it.each([
    ['itself', () => ({companionIds: [p(1)]}), 400],
    ['twice', () => ({companionIds: [p(2), p(2)]}), 400],
    ['an unknown product', () => ({companionIds: [424242]}), 404],
    ['too many', () => ({companionIds: Array.from({length: 21}, (_, i) => p(2) + i)}), 400],
    ['a string id', () => ({companionIds: ['x']}), 400],
    ['an extra field', () => ({companionIds: [], extra: 1}), 400],
  ])('refuses pinning %s', async (_case, body, expected) => {
    expect((await call(app, SHOP, 'PUT', `/api/products/${p(1)}/pins`, body())).status).toBe(expected);
  });
});

describe('exclusions', () => {
  it('hides an excluded pair, unpins it, and shows it again when included', async () => {
    await call(app, SHOP, 'PUT', `/api/products/${p(2)}/pins`, {companionIds: [p(3)]});
    const {status, json} = await call(app, SHOP, 'POST', `/api/products/${p(2)}/exclusions`, {companionId: p(3)});
    expect(status).toBe(201);
    expect(json).toMatchObject({exclusions: [p(3)], pins: []});
    expect(await list(2)).toEqual([[1, false, null], [3, false, 'pair_excluded']]);
    expect((await call(app, SHOP, 'DELETE', `/api/products/${p(2)}/exclusions/${p(3)}`)).status).toBe(200);
    expect(await list(2)).toEqual([[1, false, null], [3, false, null]]);
    expect((await call(app, SHOP, 'DELETE', `/api/products/${p(2)}/exclusions/${p(3)}`)).status).toBe(404);
  });

  it('excludes a product everywhere and republishes every list that held it', async () => {
    const before = app.republished.length;
    expect((await call(app, SHOP, 'PUT', `/api/excluded-products/${p(3)}`)).status).toBe(200);
    expect(app.republished.slice(before)[0].productIds?.sort()).toEqual([p(1), p(2)]);
    expect((await list(1))[1]).toEqual([3, false, 'product_excluded']);
    const {json} = await call(app, SHOP, 'GET', '/api/excluded-products');
    expect(json.items.map((i: {productId: number; product: {title: string}}) => [i.productId, i.product.title])).toEqual([[p(3), 'Ceramic cup']]);
    expect((await call(app, SHOP, 'DELETE', `/api/excluded-products/${p(3)}`)).status).toBe(200);
    expect((await list(1))[1]).toEqual([3, false, null]);
    expect((await call(app, SHOP, 'DELETE', `/api/excluded-products/${p(3)}`)).status).toBe(404);
  });
});
