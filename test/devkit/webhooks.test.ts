import '@shopify/shopify-api/adapters/node';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {ApiVersion, shopifyApi} from '@shopify/shopify-api';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../devkit/store-generator';
import {orderFromWebhook} from '../../server/webhooks/orders';
import {productFromWebhook} from '../../server/webhooks/products';
import {orderPayload, productPayload, sendWebhook, signedWebhook, webhookHmac} from '../../devkit/webhooks';

const secret = 'webhook-test-secret';
const shop = 'hooks.myshopify.com';
const shopify = shopifyApi({
  apiKey: 'key', apiSecretKey: secret, scopes: [], hostName: 'localhost', apiVersion: ApiVersion.October25,
  isEmbeddedApp: true, future: {},
});

/** A receiver that runs the library's own webhook validation on what arrived over HTTP. */
let url = '';
const received: {valid: boolean; reason?: string; topic?: string; webhookId?: string}[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    const result = await shopify.webhooks.validate({rawBody: Buffer.concat(chunks).toString('utf8'), rawRequest: req, rawResponse: res});
    received.push(result.valid ? {valid: true, topic: result.topic, webhookId: result.webhookId} : {valid: false, reason: result.reason});
    res.writeHead(result.valid ? 200 : 401).end();
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const store = generateStore({seed: 4, products: 40, orders: 50});
const order = [...store.orders()].find((o) => o.lines.length >= 2)!;

describe('signedWebhook', () => {
  it.each(['orders/create', 'orders/updated', 'products/update', 'app/uninstalled', 'customers/redact', 'bulk_operations/finish'])(
    '%s passes shopify.webhooks.validate', async (topic) => {
      const signed = signedWebhook({topic, shop, body: {id: 1}, secret, webhookId: `wh-${topic}`});
      const res = await sendWebhook(url, signed);
      expect(res.status).toBe(200);
      expect(received.at(-1)).toEqual({valid: true, topic: topic.toUpperCase().replace('/', '_'), webhookId: `wh-${topic}`});
    });

  it.each([
    {case: 'a body changed by one byte', tamper: (s: ReturnType<typeof signedWebhook>) => ({...s, body: s.body.replace('1', '2')})},
    {case: 'a wrong secret', tamper: (s: ReturnType<typeof signedWebhook>) => ({...s, headers: {...s.headers, 'X-Shopify-Hmac-Sha256': webhookHmac(s.body, 'other')}})},
    {case: 'a hex instead of base64 HMAC', tamper: (s: ReturnType<typeof signedWebhook>) => ({...s, headers: {...s.headers, 'X-Shopify-Hmac-Sha256': Buffer.from(s.headers['X-Shopify-Hmac-Sha256'], 'base64').toString('hex')}})},
  ])('fails validation with $case', async ({tamper}) => {
    const res = await sendWebhook(url, tamper(signedWebhook({topic: 'orders/create', shop, body: {id: 1}, secret})));
    expect(res.status).toBe(401);
    expect(received.at(-1)).toEqual({valid: false, reason: 'invalid_hmac'});
  });

  it('sends every header Shopify sends', () => {
    const signed = signedWebhook({topic: 'orders/create', shop, body: '{"id":1}', secret});
    expect(Object.keys(signed.headers).sort()).toEqual([
      'Content-Type', 'X-Shopify-API-Version', 'X-Shopify-Event-Id', 'X-Shopify-Hmac-Sha256', 'X-Shopify-Shop-Domain',
      'X-Shopify-Topic', 'X-Shopify-Triggered-At', 'X-Shopify-Webhook-Id',
    ]);
    expect(signed.body).toBe('{"id":1}');
    expect(signed.headers['X-Shopify-Hmac-Sha256']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(signed.headers['X-Shopify-Webhook-Id']).not.toBe(signedWebhook({topic: 'orders/create', shop, body: '{}', secret}).headers['X-Shopify-Webhook-Id']);
  });
});

describe('payload builders', () => {
  it("builds an order the server's webhook parser reads back line for line", () => {
    const withAttribution = {...order, lines: order.lines.map((l, i) => (i === 0 ? {...l, properties: [{name: '_pairwise', value: `fbt:${order.lines[1].productId}`}]} : l))};
    const payload = orderPayload(withAttribution);
    expect(payload).toMatchObject({
      id: order.id, admin_graphql_api_id: `gid://shopify/Order/${order.id}`, name: order.name, created_at: order.createdAt,
      cancelled_at: null, currency: 'USD', total_price: expect.stringMatching(/^\d+\.\d\d$/),
    });
    const record = orderFromWebhook(JSON.parse(JSON.stringify(payload)), 'salt');
    expect(record.lines.map((l) => [l.lineId, l.productId, l.variantId, l.quantity, l.price])).toEqual(
      order.lines.map((l) => [l.id, l.productId, l.variantId, l.quantity, Number(l.price)]));
    expect(record.lines[0]).toMatchObject({pairwiseBlock: 'fbt', pairwiseAnchor: order.lines[1].productId});
    expect(record.cancelledAt).toBeNull();
  });

  it('marks a cancelled order as Shopify does', () => {
    const payload = orderPayload({...order, cancelledAt: '2025-06-01T10:00:00Z'});
    expect(payload).toMatchObject({cancelled_at: '2025-06-01T10:00:00Z', cancel_reason: 'customer', financial_status: 'voided'});
    expect(orderFromWebhook(payload, 'salt').cancelledAt).toBe('2025-06-01T10:00:00.000Z');
  });

  it.each([
    {case: 'in stock', change: {inventory: 5, available: true}, available: true},
    {case: 'sold out', change: {inventory: 0, available: false}, available: false},
    {case: 'a draft', change: {status: 'draft' as const}, available: true},
  ])("builds a product ($case) the server's parser reads", ({change, available}) => {
    const p = {...store.products[5], ...change};
    const payload = productPayload(p);
    expect(payload).toMatchObject({id: p.id, title: p.title, handle: p.handle, status: p.status, tags: p.tags.join(', ')});
    const record = productFromWebhook(payload);
    expect(record).toMatchObject({productId: p.id, title: p.title, status: p.status, available, price: Number(p.price), vendor: p.vendor});
    expect(record.description).toBe(p.description);
  });
});
