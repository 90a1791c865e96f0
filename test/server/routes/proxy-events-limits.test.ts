import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import type {ShopDomain} from '../../../storage/shop-domain';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {signProxyQuery} from '../../../devkit/storefront/sign';

// Each case has its own shop, so one case's spending of a shop's budget never decides another's.
let app: TestApp;
const shops = ['flooded.myshopify.com', 'busy.myshopify.com', 'customers.myshopify.com', 'arms.myshopify.com'].map((s) => parseShopDomain(s)!);
beforeAll(async () => {
  app = await startTestApp();
  for (const shop of shops) shopsRepo(app.services.appDb).recordInstall(shop, 'read_orders');
});
afterAll(async () => app.close());

/** A beacon as Shopify's app proxy forwards it: signed query, the shopper's IP in X-Forwarded-For. */
function beacon(shop: ShopDomain, events: object[], client: {ip: string; customerId?: string}): Promise<Response> {
  const query = signProxyQuery(new URLSearchParams(), {shop, secret: app.secret, pathPrefix: '/apps/pairwise', customerId: client.customerId});
  return fetch(`${app.url}/proxy/events?${query}`, {method: 'POST', headers: {'X-Forwarded-For': client.ip}, body: JSON.stringify({events})});
}
const batch = (n: number, extra: object = {}) => Array.from({length: n}, () => ({type: 'rendered', block: 'cart', ...extra}));

describe('event budget per client and per shop', () => {
  it('one client flooding gets 429 while another shopper of the same shop still gets 204', async () => {
    const [shop] = shops;
    // Full batches, 8 in flight, for as long as the shopper's page sends its own: far past the shop's budget.
    let flooding = true;
    const floodStatuses: number[] = [];
    const flooder = async () => {
      while (flooding) floodStatuses.push((await beacon(shop, batch(50), {ip: '203.0.113.7'})).status);
    };
    const flood = Promise.all(Array.from({length: 8}, flooder));
    const shopper: number[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      shopper.push((await beacon(shop, batch(30), {ip: '198.51.100.20'})).status);
    }
    flooding = false;
    await flood;
    expect(floodStatuses).toContain(429);
    expect(shopper).toEqual([204, 204, 204]);
  });

  it('many clients together still meet the shop\'s budget (429)', async () => {
    const [, shop] = shops;
    const statuses = (await Promise.all(Array.from({length: 20}, (_, i) => beacon(shop, batch(50), {ip: `198.51.100.${i + 1}`})))).map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses).toContain(204);
  });

  it('a logged-in customer is a client of its own, whatever IP it shares', async () => {
    const [, , shop] = shops;
    const flood = await Promise.all(Array.from({length: 4}, () => beacon(shop, batch(50), {ip: '192.0.2.1', customerId: '7001'})));
    expect(flood.map((r) => r.status)).toContain(429);
    expect((await beacon(shop, batch(10), {ip: '192.0.2.1', customerId: '7002'})).status).toBe(204);
  });

  it('a holdout arm sent by the client is not stored', async () => {
    const [, , , shop] = shops;
    expect((await beacon(shop, batch(3, {holdout: true}), {ip: '192.0.2.9'})).status).toBe(204);
    const arms = app.services.shopDbs.get(shop).prepare('SELECT holdout, count(*) AS n FROM events GROUP BY holdout').all();
    expect(arms).toEqual([{holdout: 0, n: 3}]);
  });
});
