import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../../devkit/store-generator';
import {signProxyQuery} from '../../../devkit/storefront/sign';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {productPayload, sendWebhook, signedWebhook} from '../../../devkit/webhooks';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import type {ShopDomain} from '../../../storage/shop-domain';

// The blocks' funnel events by both of their ways into the app, over real HTTP through the signed app proxy:
// forwarded by the web pixel (POST /proxy/pixel/events) or sent straight (POST /proxy/events). An event counts
// once whichever way, and as often as it arrived; only products the shop has (from its signed product webhooks)
// are stored; both ways spend the same budgets.

const products = generateStore({seed: 11, products: 6, orders: 1}).products;
const [anchor, companion] = products;
const STRANGER = 987_654_321;
const shops = ['funnel-once.myshopify.com', 'funnel-known.myshopify.com', 'funnel-budget.myshopify.com'].map((s) => parseShopDomain(s)!);
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({onInstalled: () => {}});
  for (const shop of shops) {
    shopsRepo(app.services.appDb).recordInstall(shop, 'read_orders,read_products');
    for (const p of products) {
      const res = await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic: 'products/create', shop, secret: app.secret, body: productPayload(p)}));
      expect(res.status).toBe(200);
    }
  }
});
afterAll(async () => app?.close());

type Way = 'pixel/events' | 'events';
function post(shop: ShopDomain, way: Way, body: unknown, ip = '203.0.113.5'): Promise<Response> {
  const query = signProxyQuery(new URLSearchParams(), {shop, secret: app.secret, pathPrefix: '/apps/pairwise'});
  return fetch(`${app.url}/proxy/${way}?${query}`, {method: 'POST', headers: {'X-Forwarded-For': ip}, body: JSON.stringify(body)});
}
const stored = (shop: ShopDomain) =>
  app.services.shopDbs.get(shop).prepare('SELECT type, block, anchor_id AS anchor, product_id AS product, event_id AS id FROM events ORDER BY events.id').all();
const page = () => randomUUID();
const event = (pageId: string, n: number, type = 'viewed', extra: object = {}) => ({type, block: 'fbt', anchor: anchor.id, product: companion.id, id: `${pageId}:${n}`, ...extra});

describe('funnel events, by the web pixel or straight', () => {
  it('an event counts once, whichever way and however often it arrives', async () => {
    const [shop] = shops;
    const p = page();
    const batch = {events: [event(p, 0, 'rendered'), event(p, 1, 'viewed')]};
    expect((await post(shop, 'pixel/events', batch)).status).toBe(204);
    expect((await post(shop, 'events', batch)).status).toBe(204);
    expect((await post(shop, 'pixel/events', {events: [event(p, 1, 'viewed'), event(p, 2, 'clicked')]})).status).toBe(204);
    expect(stored(shop)).toEqual([
      {type: 'rendered', block: 'fbt', anchor: anchor.id, product: companion.id, id: `${p}:0`},
      {type: 'viewed', block: 'fbt', anchor: anchor.id, product: companion.id, id: `${p}:1`},
      {type: 'clicked', block: 'fbt', anchor: anchor.id, product: companion.id, id: `${p}:2`},
    ]);
  });

  it("keeps only events naming the shop's products; the arm is never the client's to say", async () => {
    const [, shop] = shops;
    const p = page();
    const sent = await post(shop, 'pixel/events', {
      events: [event(p, 0, 'rendered', {holdout: true}), event(p, 1, 'rendered', {product: STRANGER}), event(p, 2, 'rendered', {anchor: STRANGER}), event(p, 3, 'viewed', {anchor: null})],
    });
    expect(sent.status).toBe(204);
    expect(stored(shop).map((e) => (e as {id: string}).id)).toEqual([`${p}:0`, `${p}:3`]);
    expect(app.services.shopDbs.get(shop).prepare('SELECT DISTINCT holdout FROM events').all()).toEqual([{holdout: 0}]);
  });

  it.each([
    ['not JSON', 'nope'],
    ['an id that is not a page id and number', {events: [{type: 'viewed', block: 'fbt', product: 1, id: 'x:1'}]}],
    ['an unknown type', {events: [{type: 'purchased', block: 'fbt', product: 1}]}],
    ['more than 50 events', {events: Array.from({length: 51}, () => ({type: 'viewed', block: 'fbt', product: 1}))}],
  ])('refuses %s (400)', async (_case, body) => {
    const query = signProxyQuery(new URLSearchParams(), {shop: shops[1], secret: app.secret, pathPrefix: '/apps/pairwise'});
    const res = await fetch(`${app.url}/proxy/pixel/events?${query}`, {method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body)});
    expect(res.status).toBe(400);
  });

  it('is refused without the app-proxy signature (401)', async () => {
    const res = await fetch(`${app.url}/proxy/pixel/events?shop=${shops[1]}`, {method: 'POST', body: JSON.stringify({events: [event(page(), 0)]})});
    expect(res.status).toBe(401);
  });

  it("both ways spend one client's budget (100 events per 10 s) and one shop's (200 a second)", async () => {
    const [, , shop] = shops;
    const full = (n = 50) => ({events: Array.from({length: n}, (_, i) => event(page(), i))});
    // One client: 50 straight and 50 through the pixel use its 100; the next event, either way, is refused.
    expect((await post(shop, 'events', full(), '198.51.100.1')).status).toBe(204);
    expect((await post(shop, 'pixel/events', full(), '198.51.100.1')).status).toBe(204);
    const refused = await post(shop, 'pixel/events', full(1), '198.51.100.1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The shop: many clients at once, each well within its own budget, meet the shop's 200 a second.
    const statuses = (await Promise.all(Array.from({length: 12}, (_, i) => post(shop, i % 2 ? 'events' : 'pixel/events', full(), `198.51.100.${i + 10}`)))).map((r) => r.status);
    expect(statuses).toContain(429);
  });
});
