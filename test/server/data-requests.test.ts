import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../devkit/store-generator';
import type {StoreOrder} from '../../devkit/store-generator';
import {startTestApp} from '../../devkit/test-app';
import type {TestApp} from '../../devkit/test-app';
import {sessionToken} from '../../devkit/session-token';
import {orderPayload, productPayload, sendWebhook, signedWebhook} from '../../devkit/webhooks';
import type {CustomerDataExport} from '../../domain/data-requests';

// customers/data_request, shaped as https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance documents it:
// {shop_id, shop_domain, orders_requested, customer: {id, email, phone}, data_request: {id}}.

const SHOP = 'asked-shop.myshopify.com';
const OTHER_SHOP = 'other-shop.myshopify.com';
let app: TestApp;
const store = generateStore({seed: 7, orders: 60, products: 20});
const orders = [...store.orders()];
const byCustomer = new Map<number, StoreOrder[]>();
for (const o of orders) if (o.customerId !== null) byCustomer.set(o.customerId, [...(byCustomer.get(o.customerId) ?? []), o]);
const [asking, other] = [...byCustomer.entries()].sort((a, b) => b[1].length - a[1].length).map(([id]) => id);

const webhook = (shop: string, topic: string, body: unknown) => sendWebhook(`${app.url}/webhooks`, signedWebhook({topic, shop, secret: app.secret, body}));
const dataRequest = (customer: number, id: number) => ({
  shop_id: 954889, shop_domain: SHOP,
  // Only the first order listed: the rest are found through the customer's salted hash.
  orders_requested: byCustomer.get(customer)!.slice(0, 1).map((o) => o.id),
  customer: {id: customer, email: 'asking.customer@example.com', phone: '555-625-1199'},
  data_request: {id},
});
async function api(shop: string, path: string) {
  const token = await sessionToken({shop, apiKey: app.apiKey, secret: app.secret});
  const res = await fetch(`${app.url}/api${path}`, {headers: {authorization: `Bearer ${token}`}});
  return {status: res.status, json: (await res.json()) as any}; // eslint-disable-line @typescript-eslint/no-explicit-any -- each case reads its route's shape
}

beforeAll(async () => {
  app = await startTestApp({onInstalled: () => {}, republish: () => {}});
  for (const p of store.products) expect((await webhook(SHOP, 'products/create', productPayload(p))).status).toBe(200);
  for (const o of orders) expect((await webhook(SHOP, 'orders/create', orderPayload(o))).status).toBe(200);
  // The other shop holds orders of a customer with the same id: they are that shop's, never part of this answer.
  for (const o of byCustomer.get(asking)!) expect((await webhook(OTHER_SHOP, 'orders/create', orderPayload({...o, id: o.id + 1_000_000}))).status).toBe(200);
});
afterAll(() => app?.close());

describe('customers/data_request', () => {
  it('is recorded and answers with that customer\'s orders and products, nothing of another customer', async () => {
    expect(byCustomer.get(asking)!.length).toBeGreaterThan(1);
    expect((await webhook(SHOP, 'customers/data_request', dataRequest(asking, 9999))).status).toBe(200);

    const list = await api(SHOP, '/data-requests');
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({total: 1, items: [{shopifyRequestId: 9999, orders: byCustomer.get(asking)!.length}]});

    const got = await api(SHOP, `/data-requests/${list.json.items[0].id}`);
    expect(got.status).toBe(200);
    const data = got.json as CustomerDataExport;
    const theirs = byCustomer.get(asking)!;
    expect(data.orders.map((o) => o.orderId).sort()).toEqual(theirs.map((o) => o.id).sort());
    for (const o of data.orders) {
      const sent = theirs.find((t) => t.id === o.orderId)!;
      expect(o.lines.map((l) => [l.lineId, l.productId, l.quantity])).toEqual(sent.lines.map((l) => [l.id, l.productId, l.quantity]).sort((a, b) => a[0]! - b[0]!));
    }
    const productIds = new Set(theirs.flatMap((o) => o.lines.map((l) => l.productId)).filter((id): id is number => id !== null && store.products.some((p) => p.id === id)));
    expect(data.products.map((p) => p.productId).sort()).toEqual([...productIds].sort());
    expect(data.ordersOmitted).toBe(0);
    // Nothing of anyone else, and none of the personal data the payload carried.
    const others = orders.filter((o) => o.customerId !== asking).map((o) => o.id);
    expect(data.orders.some((o) => others.some((id) => id === o.orderId))).toBe(false);
    expect(JSON.stringify(data)).not.toMatch(/asking\.customer@example\.com|555-625-1199/);
  });

  it('keeps one record when Shopify delivers the same request again', async () => {
    expect((await webhook(SHOP, 'customers/data_request', dataRequest(asking, 9999))).status).toBe(200);
    expect((await api(SHOP, '/data-requests')).json.total).toBe(1);
  });

  it('is the shop\'s own: another shop\'s token sees none of it', async () => {
    const mine = (await api(SHOP, '/data-requests')).json.items[0].id;
    expect((await api(OTHER_SHOP, '/data-requests')).json).toMatchObject({total: 0, items: []});
    expect((await api(OTHER_SHOP, `/data-requests/${mine}`)).status).toBe(404);
  });

  it.each([
    ['/data-requests/0', 400],
    ['/data-requests/abc', 400],
    ['/data-requests/424242', 404],
    ['/data-requests?limit=1000', 400],
  ])('GET %s: %i', async (path, status) => {
    expect((await api(SHOP, path)).status).toBe(status);
  });

  it('needs a session token', async () => {
    expect((await fetch(`${app.url}/api/data-requests`)).status).toBe(401);
  });

  it('a second customer\'s request holds only theirs; customers/redact removes the customer\'s requests', async () => {
    expect((await webhook(SHOP, 'customers/data_request', dataRequest(other, 10001))).status).toBe(200);
    const list = (await api(SHOP, '/data-requests')).json;
    expect(list.items.map((r: {shopifyRequestId: number}) => r.shopifyRequestId)).toEqual([10001, 9999]);
    const data = (await api(SHOP, `/data-requests/${list.items[0].id}`)).json as CustomerDataExport;
    expect(data.orders.map((o) => o.orderId).sort()).toEqual(byCustomer.get(other)!.map((o) => o.id).sort());

    const redact = {shop_id: 954889, shop_domain: SHOP, customer: {id: other, email: 'x@example.com', phone: '555'}, orders_to_redact: []};
    expect((await webhook(SHOP, 'customers/redact', redact)).status).toBe(200);
    expect((await api(SHOP, '/data-requests')).json.items.map((r: {shopifyRequestId: number}) => r.shopifyRequestId)).toEqual([9999]);
  });
});
