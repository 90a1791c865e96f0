import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {sessionToken} from '../../devkit/session-token';
import {signProxyQuery} from '../../devkit/storefront/sign';
import {startTestApp} from '../../devkit/test-app';
import type {TestApp} from '../../devkit/test-app';
import {sendWebhook, signedWebhook} from '../../devkit/webhooks';
import type {ShopDomain} from '../../storage/shop-domain';
import {pid, seedStore} from '../server/api/fixture';

/**
 * Bounds and references, over real HTTP: a shop domain is a DNS label (at most 63 characters) before it can
 * become a file name, and what the admin curates (the promoted bundle, pins, exclusions) names only products
 * of the token's own shop.
 */

const SHOP = 'bounds-a.myshopify.com';
const OTHER = 'bounds-b.myshopify.com';
const domain = (labelLength: number) => `${'a'.repeat(labelLength)}.myshopify.com`;

let app: TestApp;

const product = (id: number) => ({id, title: `P${id}`, handle: `p-${id}`, status: 'active', updated_at: '2026-11-01T00:00:00Z', variants: [{price: '5.00', inventory_quantity: 3, inventory_management: 'shopify', inventory_policy: 'deny'}]});

const webhook = (shop: string, topic: string, body: unknown) =>
  sendWebhook(`${app.url}/webhooks`, signedWebhook({topic, shop, body, secret: app.secret}));

async function api(shop: string, method: string, path: string, body?: unknown): Promise<number> {
  const token = await sessionToken({shop, apiKey: app.apiKey, secret: app.secret});
  const res = await fetch(app.url + path, {
    method,
    headers: {authorization: `Bearer ${token}`, ...(body === undefined ? {} : {'content-type': 'application/json'})},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.status;
}

beforeAll(async () => {
  app = await startTestApp({republish: () => {}, onInstalled: () => {}});
  for (const id of [101, 102, 103]) expect((await webhook(SHOP, 'products/create', product(id))).status).toBe(200);
  for (const id of [201, 202]) expect((await webhook(OTHER, 'products/create', product(id))).status).toBe(200);
});
afterAll(async () => app?.close());

describe('shop domain bounds', () => {
  // 249-255 characters in all once `.myshopify.com` is added: the file name would pass 255 bytes (500 before).
  const tooLong = [64, 100, 235, 236, 238, 241].map((n) => domain(n));

  it.each(tooLong.map((d) => [d.length, d]))('a %i-character domain: a signed webhook is answered 400, not 500', async (_len, shop) => {
    const res = await webhook(shop, 'orders/create', {id: 1});
    expect(res.status).toBe(400);
  });

  it.each(tooLong.map((d) => [d.length, d]))('a %i-character domain: the proxy answers 401, the admin API 401, never 500', async (_len, shop) => {
    const query = signProxyQuery(new URLSearchParams({products: '1'}), {shop, secret: app.secret, pathPrefix: '/apps/pairwise'});
    expect((await fetch(`${app.url}/proxy/recommendations?${query}`)).status).toBe(401);
    expect(await api(shop, 'GET', '/api/status')).toBe(401);
  });

  it('a 63-character shop name is a shop like any other', async () => {
    const res = await webhook(domain(63), 'products/create', product(1));
    expect(res.status).toBe(200);
    expect(await api(domain(63), 'GET', '/api/status')).toBe(200);
  });
});

describe('curation names only the shop\'s own products', () => {
  it.each([
    ['a bundle of own products', [101, 102], 200],
    ['a bundle with another shop\'s product', [101, 201], 404],
    ['a bundle of another shop\'s products', [201, 202], 404],
    ['a bundle with a product no shop has', [101, 999_999], 404],
    ['a bundle naming a product twice', [101, 101, 102], 400],
  ])('PUT /api/settings promotedBundle: %s %j -> %i', async (_case, bundle, status) => {
    expect(await api(SHOP, 'PUT', '/api/settings', {promotedBundle: bundle})).toBe(status);
  });

  it('a refused bundle leaves the promoted one as it was', async () => {
    expect(await api(SHOP, 'PUT', '/api/settings', {promotedBundle: [102, 103]})).toBe(200);
    expect(await api(SHOP, 'PUT', '/api/settings', {promotedBundle: [102, 201]})).toBe(404);
    const token = await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret});
    const res = await fetch(`${app.url}/api/settings`, {headers: {authorization: `Bearer ${token}`}});
    expect(((await res.json()) as {settings: {promotedBundle: number[]}}).settings.promotedBundle).toEqual([102, 103]);
  });

  it.each([
    ['pins of own products', 'PUT', '/api/products/101/pins', {companionIds: [102, 103]}, 200],
    ['a pin to another shop\'s product', 'PUT', '/api/products/101/pins', {companionIds: [201]}, 404],
    ['pins on another shop\'s product', 'PUT', '/api/products/201/pins', {companionIds: [101]}, 404],
    ['an exclusion of another shop\'s product', 'POST', '/api/products/101/exclusions', {companionId: 202}, 404],
    ['an own pair exclusion', 'POST', '/api/products/101/exclusions', {companionId: 103}, 201],
    ['excluding another shop\'s product everywhere', 'PUT', '/api/excluded-products/201', undefined, 404],
    ['excluding an own product everywhere', 'PUT', '/api/excluded-products/103', undefined, 200],
  ])('%s: %s %s %j -> %i', async (_case, method, path, body, status) => {
    expect(await api(SHOP, method, path, body)).toBe(status);
  });
});

describe('promoting a bundle of the model', () => {
  const STORE = 'bounds-model.myshopify.com';

  it('a bundle holding a product deleted since training is refused (404); one whose products all exist is promoted', async () => {
    seedStore(app.services.shopDbs.get(STORE as ShopDomain), 1000);
    // Bundle 2 is products 5, 6 and 7 of the fixture; the merchant deletes product 5 after the training.
    expect((await webhook(STORE, 'products/delete', {id: pid(1000, 5)})).status).toBe(200);
    expect(await api(STORE, 'PUT', '/api/bundles/2/promote')).toBe(404);
    expect(await api(STORE, 'PUT', '/api/bundles/1/promote')).toBe(200);
  });
});
