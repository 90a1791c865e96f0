import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {Session} from '@shopify/shopify-api';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {dataRequestsRepo} from '../../../storage/repos/data-requests';
import {ordersRepo} from '../../../storage/repos/orders';
import {productsRepo} from '../../../storage/repos/products';
import {SqliteSessionStorage} from '../../../storage/repos/sessions';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import type {StoreOrder, StoreProduct} from '../../../devkit/store-generator';
import {orderPayload as restOrder, productPayload as restProduct, sendWebhook, signedWebhook} from '../../../devkit/webhooks';

interface LineSpec {
  productId: number | null;
  quantity: number;
  price: string;
  properties?: {name: string; value: string}[];
}

/** A REST order payload as Shopify sends it, from the few fields a case cares about. */
function orderPayload(o: {id: number; lines?: LineSpec[]; updatedAt?: string; cancelledAt?: string; customerId?: number}) {
  const order: StoreOrder = {
    id: o.id,
    name: `#${o.id}`,
    createdAt: '2026-10-31T09:00:00-05:00',
    updatedAt: o.updatedAt ?? '2026-10-31T09:00:00-05:00',
    cancelledAt: o.cancelledAt ?? null,
    customerId: o.customerId ?? null,
    currency: 'USD',
    lines: (o.lines ?? [{productId: 1, quantity: 1, price: '1.00'}]).map((l, i) => ({
      id: o.id * 1000 + i,
      productId: l.productId,
      variantId: l.productId === null ? null : l.productId + 1,
      title: `Item ${i}`,
      quantity: l.quantity,
      price: l.price,
      properties: l.properties,
    })),
  };
  return restOrder(order);
}

/** A REST product payload; `variants` replaces the default variant to set stock and prices. */
function productPayload(p: {id: number; title?: string; bodyHtml?: string; variants?: {price: string; inventoryQuantity: number}[]}) {
  const product: StoreProduct = {
    id: p.id, variantId: p.id + 1, title: p.title ?? `Product ${p.id}`, handle: `product-${p.id}`, productType: 'Kitchen',
    vendor: 'Acme', tags: ['a'], description: 'd', price: '1.00', status: 'active', giftCard: false, inventory: 5,
    available: true, hasImage: true, createdAt: '2026-10-01T00:00:00Z', updatedAt: '2026-10-02T00:00:00Z',
  };
  const overrides: Record<string, unknown> = {};
  if (p.bodyHtml) overrides.body_html = p.bodyHtml;
  if (p.variants) {
    overrides.variants = p.variants.map((v, i) => ({id: p.id + 10 + i, price: v.price, inventory_policy: 'deny', inventory_item_id: p.id + 20 + i, inventory_quantity: v.inventoryQuantity}));
  }
  return restProduct(product, overrides);
}

let app: TestApp;
beforeAll(async () => void (app = await startTestApp()));
afterAll(async () => app.close());

const SHOP = 'hooks.myshopify.com';
const shopDb = (shop = SHOP) => app.services.shopDbs.get(parseShopDomain(shop)!);
let nextId = 1000;
const id = () => ++nextId;

async function deliver(topic: string, body: unknown, opts: {shop?: string; webhookId?: string; secret?: string} = {}) {
  const signed = signedWebhook({topic, shop: opts.shop ?? SHOP, body, secret: opts.secret ?? app.secret, webhookId: opts.webhookId});
  return sendWebhook(`${app.url}/webhooks`, signed);
}

describe('POST /webhooks: forged and malformed deliveries', () => {
  const tamper: [string, (s: {headers: Record<string, string>; body: string}) => void][] = [
    ['missing HMAC header', (s) => void delete s.headers['X-Shopify-Hmac-Sha256']],
    ['HMAC that is not base64', (s) => void (s.headers['X-Shopify-Hmac-Sha256'] = '!!not-base64!!')],
    ['HMAC in hex instead of base64', (s) => void (s.headers['X-Shopify-Hmac-Sha256'] = Buffer.from(s.headers['X-Shopify-Hmac-Sha256'], 'base64').toString('hex'))],
    ['empty HMAC', (s) => void (s.headers['X-Shopify-Hmac-Sha256'] = '')],
    ['body changed by one byte', (s) => void (s.body = s.body.replace('"id":', '"id" :'))],
    ['body with one extra trailing byte', (s) => void (s.body += ' ')],
  ];

  it.each(tamper)('%s: 401, nothing stored, logged', async (_case, change) => {
    const orderId = id();
    const signed = signedWebhook({topic: 'orders/create', shop: SHOP, body: orderPayload({id: orderId}), secret: app.secret});
    change(signed);
    const res = await sendWebhook(`${app.url}/webhooks`, signed);
    expect(res.status).toBe(401);
    expect(ordersRepo(shopDb()).get(orderId)).toBeUndefined();
    expect(app.logs.some((l) => l.msg === 'webhook rejected')).toBe(true);
  });

  it('a body signed with another secret: 401', async () => {
    const orderId = id();
    const res = await deliver('orders/create', orderPayload({id: orderId}), {secret: 'not-our-secret'});
    expect(res.status).toBe(401);
    expect(ordersRepo(shopDb()).get(orderId)).toBeUndefined();
  });

  it.each([
    ['not a myshopify domain', 'evil.example.com'],
    ['path traversal', '../../app.myshopify.com'],
    ['upper case', 'HOOKS.myshopify.com'],
  ])('invalid shop domain header (%s): 400, no file created', async (_case, shop) => {
    const res = await deliver('orders/create', orderPayload({id: id()}), {shop});
    expect(res.status).toBe(400);
    expect(existsSync(join(app.dataDir, 'shops', `${shop}.db`))).toBe(false);
  });

  it.each([
    ['non-JSON body', 'this is not json'],
    ['truncated JSON', '{"id": 5, "line_items": ['],
    ['JSON without the fields an order needs', {hello: 'world'}],
    ['an order with a line without quantity', {...orderPayload({id: 77}), line_items: [{id: 1, product_id: 2}]}],
  ])('%s with a valid signature: acknowledged (200), recorded as unreadable, nothing else stored', async (_case, body) => {
    const webhookId = `unreadable-${id()}`;
    const before = ordersRepo(shopDb()).counts().orders;
    const res = await deliver('orders/create', body, {webhookId});
    expect(res.status).toBe(200);
    expect(ordersRepo(shopDb()).counts().orders).toBe(before);
    expect(app.logs.some((l) => l.msg === 'webhook unreadable' && l.fields?.webhookId === webhookId)).toBe(true);
  });

  it('a body over the size limit: 413', async () => {
    const huge = {...orderPayload({id: id()}), note: 'x'.repeat(6 * 1024 * 1024)};
    const res = await deliver('orders/create', huge);
    expect(res.status).toBe(413);
  });

  it('an unknown topic: acknowledged and ignored', async () => {
    const res = await deliver('carts/update', {id: 1});
    expect(res.status).toBe(200);
    expect(app.logs.some((l) => l.msg === 'webhook topic not handled')).toBe(true);
  });
});

describe('POST /webhooks: orders', () => {
  it('stores an order with its lines, for a shop with no install record yet', async () => {
    const shop = 'first-sight.myshopify.com';
    const orderId = id();
    const body = orderPayload({id: orderId, lines: [{productId: 11, quantity: 2, price: '5.00'}, {productId: 12, quantity: 1, price: '7.50'}]});
    const res = await deliver('orders/create', body, {shop});
    expect(res.status).toBe(200);
    const stored = ordersRepo(shopDb(shop)).get(orderId)!;
    expect(stored.lines.map((l) => [l.product_id, l.quantity, l.price])).toEqual([[11, 2, 5], [12, 1, 7.5]]);
    expect(shopsRepo(app.services.appDb).get(parseShopDomain(shop)!)).toBeDefined();
  });

  it('keeps lines without a product (custom items, deleted products) with a null product', async () => {
    const orderId = id();
    await deliver('orders/create', orderPayload({id: orderId, lines: [{productId: null, quantity: 1, price: '3.00'}, {productId: 21, quantity: 1, price: '1.00'}]}));
    expect(ordersRepo(shopDb()).get(orderId)!.lines.map((l) => l.product_id)).toEqual([null, 21]);
  });

  it('stores a 500-line order whole', async () => {
    const orderId = id();
    const lines = Array.from({length: 500}, (_, i) => ({productId: 5000 + i, quantity: 1, price: '1.00'}));
    const res = await deliver('orders/create', orderPayload({id: orderId, lines}));
    expect(res.status).toBe(200);
    expect(ordersRepo(shopDb()).get(orderId)!.lines).toHaveLength(500);
  });

  it('a duplicate delivery (same X-Shopify-Webhook-Id) is acknowledged and not applied again', async () => {
    const orderId = id();
    const webhookId = `dup-${orderId}`;
    await deliver('orders/create', orderPayload({id: orderId, lines: [{productId: 1, quantity: 1, price: '1.00'}]}), {webhookId});
    const again = await deliver('orders/create', orderPayload({id: orderId, lines: [{productId: 2, quantity: 9, price: '1.00'}]}), {webhookId});
    expect(again.status).toBe(200);
    expect(ordersRepo(shopDb()).get(orderId)!.lines.map((l) => l.product_id)).toEqual([1]);
  });

  it('an update older than what is stored never overwrites it (reverse delivery order)', async () => {
    const orderId = id();
    const newer = orderPayload({id: orderId, updatedAt: '2026-11-02T10:00:00-05:00', lines: [{productId: 2, quantity: 1, price: '1.00'}]});
    const older = orderPayload({id: orderId, updatedAt: '2026-11-01T10:00:00-05:00', lines: [{productId: 1, quantity: 1, price: '1.00'}]});
    await deliver('orders/updated', newer);
    expect((await deliver('orders/create', older)).status).toBe(200);
    const stored = ordersRepo(shopDb()).get(orderId)!;
    expect(stored.updated_at).toBe('2026-11-02T15:00:00.000Z');
    expect(stored.lines.map((l) => l.product_id)).toEqual([2]);
  });

  it('a cancelled order is kept, with its cancel time', async () => {
    const orderId = id();
    await deliver('orders/create', orderPayload({id: orderId, updatedAt: '2026-11-01T10:00:00Z'}));
    await deliver('orders/cancelled', orderPayload({id: orderId, updatedAt: '2026-11-01T11:00:00Z', cancelledAt: '2026-11-01T11:00:00Z'}));
    expect(ordersRepo(shopDb()).get(orderId)!.cancelled_at).toBe('2026-11-01T11:00:00.000Z');
  });

  it('orders/delete removes the order and its lines', async () => {
    const orderId = id();
    await deliver('orders/create', orderPayload({id: orderId}));
    expect((await deliver('orders/delete', {id: orderId})).status).toBe(200);
    expect(ordersRepo(shopDb()).get(orderId)).toBeUndefined();
  });

  it('stores no customer id, only a salted hash', async () => {
    const orderId = id();
    await deliver('orders/create', orderPayload({id: orderId, customerId: 424242}));
    const stored = ordersRepo(shopDb()).get(orderId)!;
    expect(stored.customer_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.customer_hash).not.toContain('424242');
  });

  it('credits attribution from the _pairwise line property', async () => {
    const orderId = id();
    await deliver('orders/create', orderPayload({id: orderId, lines: [{productId: 3, quantity: 1, price: '4.00', properties: [{name: '_pairwise', value: 'fbt:9'}]}]}));
    const [line] = ordersRepo(shopDb()).get(orderId)!.lines;
    expect(line.pairwise_block).toBe('fbt');
  });
});

describe('POST /webhooks: products', () => {
  it('upserts a product with plain-text description, availability and lowest price, then deletes it', async () => {
    const productId = id();
    const body = productPayload({id: productId, title: 'Mug', bodyHtml: '<p>Big <b>mug</b> &amp; lid</p>', variants: [{price: '12.00', inventoryQuantity: 0}, {price: '9.50', inventoryQuantity: 3}]});
    expect((await deliver('products/create', body)).status).toBe(200);
    const stored = productsRepo(shopDb()).get(productId)!;
    expect(stored).toMatchObject({title: 'Mug', description: 'Big mug & lid', available: true, price: 9.5, status: 'active'});
    await deliver('products/delete', {id: productId});
    expect(productsRepo(shopDb()).get(productId)).toBeUndefined();
  });

  it('a product with every variant sold out is unavailable (its stock tracked, as inventory_items/update says)', async () => {
    const productId = id();
    await deliver('products/update', productPayload({id: productId, variants: [{price: '5.00', inventoryQuantity: 0}]}));
    await deliver('inventory_items/update', {id: productId + 20, tracked: true, updated_at: '2026-10-02T00:00:00Z'});
    expect(productsRepo(shopDb()).get(productId)!.available).toBe(false);
  });
});

describe('POST /webhooks: app and compliance topics', () => {
  it('app/uninstalled drops the sessions and marks the shop', async () => {
    const shop = parseShopDomain('leaving.myshopify.com')!;
    const storage = new SqliteSessionStorage(app.services.appDb);
    await storage.storeSession(new Session({id: `offline_${shop}`, shop, state: '', isOnline: false, accessToken: 't'}));
    expect((await deliver('app/uninstalled', {id: 1, domain: shop}, {shop})).status).toBe(200);
    await expect(storage.findSessionsByShop(shop)).resolves.toEqual([]);
    expect(shopsRepo(app.services.appDb).get(shop)!.uninstalledAt).not.toBeNull();
  });

  it('customers/redact unlinks the customer from every order', async () => {
    const a = id();
    const b = id();
    await deliver('orders/create', orderPayload({id: a, customerId: 777}));
    await deliver('orders/create', orderPayload({id: b, customerId: 777}));
    const res = await deliver('customers/redact', {shop_id: 1, shop_domain: SHOP, customer: {id: 777, email: 'x@y.z', phone: null}, orders_to_redact: [a, b]});
    expect(res.status).toBe(200);
    expect([ordersRepo(shopDb()).get(a)!.customer_hash, ordersRepo(shopDb()).get(b)!.customer_hash]).toEqual([null, null]);
  });

  // Was: only logged, with the customer id in the log ([G] 3 and 5): now recorded for the admin's Data requests page.
  it('customers/data_request is acknowledged and recorded with the orders held', async () => {
    const orderId = id();
    await deliver('orders/create', orderPayload({id: orderId, customerId: 888}));
    const res = await deliver('customers/data_request', {shop_id: 1, shop_domain: SHOP, customer: {id: 888}, orders_requested: [orderId], data_request: {id: 1}});
    expect(res.status).toBe(200);
    const recorded = dataRequestsRepo(app.services.shopDbs.get(parseShopDomain(SHOP)!)).list(100, 0).items.find((r) => r.shopifyRequestId === 1);
    expect(recorded?.orders).toBe(1);
  });

  it('shop/redact removes the shop file and its rows in app.db', async () => {
    const shop = 'redacted.myshopify.com';
    await deliver('orders/create', orderPayload({id: id()}), {shop});
    const file = join(app.dataDir, 'shops', `${shop}.db`);
    expect(existsSync(file)).toBe(true);
    expect((await deliver('shop/redact', {shop_id: 1, shop_domain: shop}, {shop})).status).toBe(200);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(shopsRepo(app.services.appDb).get(parseShopDomain(shop)!)).toBeUndefined();
  });
});
