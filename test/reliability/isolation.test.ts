import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createApp} from '../../server/app';
import type {Db} from '../../storage/open';
import {SqliteSessionStorage} from '../../storage/repos/sessions';
import {shopsRepo} from '../../storage/repos/shops';
import type {ShopDomain} from '../../storage/shop-domain';
import {HANDLED_TOPICS} from '../../server/webhooks';
import {startTestApp} from '../../devkit/test-app';
import type {TestApp} from '../../devkit/test-app';
import {sessionToken} from '../../devkit/session-token';
import {extensionSessionToken} from '../../devkit/checkout-harness/session-token';
import {signProxyQuery} from '../../devkit/storefront/sign';
import {sendWebhook, signedWebhook} from '../../devkit/webhooks';
import {pid, seedStore} from '../server/api/fixture';

const A = 'isolation-a.myshopify.com' as ShopDomain;
const B = 'isolation-b.myshopify.com' as ShopDomain;
const BASE_A = 1000;
/** Shop B's ids are unlike anything else in a response, so a leak of one is found by a text search. */
const BASE_B = 424_242_000;
const B_MARKERS = /42424\d{4,}|isolation-b/;
const B_CUSTOMER = 777_000_111;

interface Layer {
  route?: {path: string | RegExp; methods: Record<string, boolean>};
  rawPath?: unknown;
  handle: {stack?: Layer[]};
}

/** Every (method, path) the whole server answers, found by walking Express's router stack. */
function serverRoutes(app: ReturnType<typeof createApp>): {method: string; path: string}[] {
  const found: {method: string; path: string}[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const own = layer.route.path instanceof RegExp ? `regexp:${layer.route.path.source}` : layer.route.path;
        for (const m of Object.keys(layer.route.methods)) found.push({method: m.toUpperCase(), path: prefix + (own === '/' && prefix ? '' : own)});
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk((app as unknown as {router: {stack: Layer[]}}).router.stack, '');
  return found;
}

/** A concrete URL for a route pattern, pointing at ids that exist only in shop B. */
function concrete(path: string): string {
  return path.replace(/:companionId/g, String(pid(BASE_B, 3))).replace(/:id/g, String(pid(BASE_B, 1)));
}

/** A body the route would accept, naming shop B's ids. */
function apiBody(method: string, path: string): unknown {
  if (method === 'GET' || method === 'DELETE') return undefined;
  if (path.endsWith('/pins')) return {companionIds: [pid(BASE_B, 2)]};
  if (path.endsWith('/exclusions')) return {companionId: pid(BASE_B, 2)};
  if (path.endsWith('/settings')) return {maxItems: 5};
  return {shop: B, productId: pid(BASE_B, 1)};
}

/** Webhook bodies for every topic, each aimed at shop B's data (shop B's domain in the payload where a topic has one). */
function webhookBody(topic: string): unknown {
  const order = {id: BASE_B * 10 + 1, created_at: '2026-11-02T12:00:00Z', updated_at: '2030-01-01T00:00:00Z', line_items: [{id: 1, product_id: pid(BASE_B, 1), quantity: 1}]};
  switch (topic) {
    case 'ORDERS_CREATE': case 'ORDERS_UPDATED': case 'ORDERS_CANCELLED': return order;
    case 'ORDERS_DELETE': case 'PRODUCTS_DELETE': return {id: topic === 'ORDERS_DELETE' ? BASE_B * 10 + 1 : pid(BASE_B, 1)};
    case 'PRODUCTS_CREATE': case 'PRODUCTS_UPDATE':
      return {id: pid(BASE_B, 1), title: 'Hijacked', handle: 'hijacked', status: 'active', updated_at: '2030-01-01T00:00:00Z', variants: [{price: '1.00'}]};
    case 'CUSTOMERS_REDACT': case 'CUSTOMERS_DATA_REQUEST':
      return {shop_domain: B, customer: {id: B_CUSTOMER}, orders_to_redact: [BASE_B * 10 + 1], orders_requested: [BASE_B * 10 + 1]};
    case 'SHOP_REDACT': return {shop_domain: B, shop_id: 1};
    case 'BULK_OPERATIONS_FINISH': return {admin_graphql_api_id: 'gid://shopify/BulkOperation/1', status: 'completed'};
    default: return {shop_domain: B, id: 1};
  }
}

/** Shopify's header form of a normalised topic: ORDERS_CREATE -> orders/create. */
const headerTopic = (topic: string) => topic.toLowerCase().replace('_', '/');

let app: TestApp;
let shopB: Db;
let snapshotB: Buffer;
let appRowsB: unknown;
// Webhooks last: their shop/redact (signed for A) removes shop A, which the other routes' requests read.
const routes = serverRoutes(createApp({config: {apiKey: 'route-listing'}, shopify: {config: {apiSecretKey: 'route-listing'}}} as never)).sort((x, y) => Number(x.path === '/webhooks') - Number(y.path === '/webhooks'));

async function appRowsOf(shop: ShopDomain) {
  return {shop: shopsRepo(app.services.appDb).get(shop), sessions: await new SqliteSessionStorage(app.services.appDb).findSessionsByShop(shop)};
}

beforeAll(async () => {
  const republished: ShopDomain[] = [];
  app = await startTestApp({adminOrigin: 'http://127.0.0.1:9', republish: (shop) => void republished.push(shop), onInstalled: () => {}});
  for (const [shop, base] of [[A, BASE_A], [B, BASE_B]] as const) {
    shopsRepo(app.services.appDb).ensure(shop);
    seedStore(app.services.shopDbs.get(shop), base);
  }
  shopB = app.services.shopDbs.get(B);
  snapshotB = shopB.serialize();
  appRowsB = await appRowsOf(B);
});
afterAll(async () => {
  // POST /api/training started a real trainer for shop A: let it finish before its data dir goes.
  await app.services.training.done(A);
  await app?.close();
});

/** How to send a request to a route with shop A's credential; a route with no known kind of trust fails the test. */
async function asShopA(method: string, path: string): Promise<Response[]> {
  const url = app.url + concrete(path);
  if (path.startsWith('/api/')) {
    const body = apiBody(method, path);
    const token = await sessionToken({shop: A, apiKey: app.apiKey, secret: app.secret});
    return [await fetch(url, {method, headers: {authorization: `Bearer ${token}`, ...(body === undefined ? {} : {'content-type': 'application/json'})}, body: body === undefined ? undefined : JSON.stringify(body)})];
  }
  if (path.startsWith('/proxy/')) {
    const q = signProxyQuery(new URLSearchParams({products: `${pid(BASE_B, 1)},${pid(BASE_B, 6)}`, shop_domain: B}), {shop: A, secret: app.secret, pathPrefix: '/apps/pairwise'});
    const beacon = path === '/proxy/experiment'
      ? {visitor: '0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b', period: 1}
      : path === '/proxy/pixel'
        // The web pixel's claim, naming an id from shop B's range as its order.
        ? {checkout: 'c0ffee'.repeat(5), order: String(pid(BASE_B, 1)), visitor: '0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b', period: 1}
        : {events: [{type: 'clicked', block: 'fbt', anchor: pid(BASE_B, 1), product: pid(BASE_B, 2)}]};
    const body = method === 'POST' ? JSON.stringify(beacon) : undefined;
    return [await fetch(`${url}?${q}`, {method, body})];
  }
  if (path.startsWith('/extension/')) {
    // The checkout extension's session token for shop A (its `dest`), events naming shop B's products.
    const token = await extensionSessionToken({shop: A, apiKey: app.apiKey, secret: app.secret});
    const events = {events: [{type: 'rendered', block: 'checkout', anchor: String(pid(BASE_B, 1)), product: String(pid(BASE_B, 2))}]};
    return [await fetch(url, {method, headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'}, body: JSON.stringify(events)})];
  }
  if (path === '/webhooks') {
    // Every topic, shop/redact last: each delivery is signed for shop A and names shop B's data.
    const topics = [...HANDLED_TOPICS.filter((t) => t !== 'SHOP_REDACT'), 'SHOP_REDACT'];
    const out: Response[] = [];
    for (const topic of topics) out.push(await sendWebhook(url, signedWebhook({topic: headerTopic(topic), shop: A, secret: app.secret, body: webhookBody(topic)})));
    return out;
  }
  if (path.startsWith('regexp:')) {
    // The admin page: public HTML (the api key is public); data only ever comes through /api.
    return [await fetch(`${app.url}/products/${pid(BASE_B, 1)}?shop=${B}&host=${Buffer.from(`admin.shopify.com/store/${B}`).toString('base64url')}`)];
  }
  throw new Error(`no credential kind known for ${method} ${path}: add it to the isolation battery`);
}

describe('isolation between shops', () => {
  it('finds the routes of every part of the server', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(expect.arrayContaining(['POST /webhooks', 'GET /proxy/recommendations', 'POST /proxy/events', 'GET /api/status', 'PUT /api/settings']));
    expect(routes.length).toBeGreaterThan(15);
  });

  it("answers with shop A's own data when asked the same way (so the requests below are understood)", async () => {
    const q = signProxyQuery(new URLSearchParams({products: String(pid(BASE_A, 6))}), {shop: A, secret: app.secret, pathPrefix: '/apps/pairwise'});
    const res = await fetch(`${app.url}/proxy/recommendations?${q}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as {products: {id: number}[]}).products.map((p) => p.id)).toContain(pid(BASE_A, 5));
  });

  it.each(routes)("$method $path with shop A's credential neither reads nor writes shop B", async ({method, path}) => {
    for (const res of await asShopA(method, path)) {
      const text = await res.text();
      expect(res.status).toBeLessThan(500);
      if (path === '/webhooks' || path.startsWith('/proxy/') || path.startsWith('/extension/')) expect(res.status, text).toBeLessThan(300);
      // The route itself answered (a miss would prove nothing).
      expect(text).not.toMatch(/no such route|Cannot (GET|POST|PUT|DELETE)/);
      expect(text).not.toMatch(B_MARKERS);
    }
    expect(Buffer.compare(shopB.serialize(), snapshotB)).toBe(0);
    expect(await appRowsOf(B)).toEqual(appRowsB);
  });

});
