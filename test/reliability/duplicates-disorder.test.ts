import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../devkit/store-generator';
import type {StoreOrder, StoreProduct} from '../../devkit/store-generator';
import {shopsRepo} from '../../storage/repos/shops';
import {parseShopDomain} from '../../storage/shop-domain';
import {startTestApp} from '../../devkit/test-app';
import type {TestApp} from '../../devkit/test-app';
import {orderPayload, productPayload, sendWebhook, signedWebhook} from '../../devkit/webhooks';
import {sized} from './mode';
import {shopState} from './shop-state';
import type {StateKeys} from './shop-state';

/** One Shopify delivery: its id stays the same across Shopify's retries. */
interface Delivery {
  webhookId: string;
  topic: string;
  body: Record<string, unknown>;
}

const later = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** The deliveries of one order's life, in the order they happened. */
function orderLife(o: StoreOrder, i: number): Delivery[] {
  const create = {webhookId: `o${o.id}-create`, topic: 'orders/create', body: orderPayload(o)};
  switch (i % 4) {
    case 0: {
      // Two edits: a quantity change, then a removed line.
      const edit1 = {...o, updatedAt: later(o.updatedAt, 60), lines: o.lines.map((l, k) => (k === 0 ? {...l, quantity: l.quantity + 1} : l))};
      const edit2 = {...edit1, updatedAt: later(o.updatedAt, 120), lines: edit1.lines.length > 1 ? edit1.lines.slice(0, -1) : edit1.lines};
      return [
        create,
        {webhookId: `o${o.id}-edit1`, topic: 'orders/updated', body: orderPayload(edit1)},
        {webhookId: `o${o.id}-edit2`, topic: 'orders/updated', body: orderPayload(edit2)},
      ];
    }
    case 1: {
      const at = later(o.updatedAt, 30);
      return [create, {webhookId: `o${o.id}-cancel`, topic: 'orders/cancelled', body: orderPayload({...o, updatedAt: at, cancelledAt: at})}];
    }
    case 2:
      // An update whose customer changed (guest checkout linked to an account afterwards).
      return [create, {webhookId: `o${o.id}-link`, topic: 'orders/updated', body: orderPayload({...o, updatedAt: later(o.updatedAt, 5), customerId: 6_000_000_000_999})}];
    default:
      return [create];
  }
}

function productLife(p: StoreProduct): Delivery[] {
  const edited = {...p, title: `${p.title} (new)`, price: (Number(p.price) + 1).toFixed(2), updatedAt: later(p.updatedAt, 90)};
  return [
    {webhookId: `p${p.id}-create`, topic: 'products/create', body: productPayload(p)},
    {webhookId: `p${p.id}-update`, topic: 'products/update', body: productPayload(edited)},
  ];
}

/** A seeded shuffle, so a failure reproduces. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const IN_ORDER = 'in-order.myshopify.com';
const MESSY = 'messy.myshopify.com';

let app: TestApp;
const store = generateStore({seed: 5, orders: sized(60, 300), products: 40});
const orders = [...store.orders()];
const products = store.products.slice(0, 20);
const orderLives = orders.map(orderLife);
const productLives = products.map(productLife);

async function deliver(shop: string, d: Delivery, copies: number): Promise<number[]> {
  const signed = signedWebhook({topic: d.topic, shop, secret: app.secret, body: d.body, webhookId: d.webhookId});
  // Shopify's retries can overlap: the copies go out at once.
  const res = await Promise.all(Array.from({length: copies}, () => sendWebhook(`${app.url}/webhooks`, signed)));
  return res.map((r) => r.status);
}

function keys(): StateKeys {
  const customerIds = [...new Set(orders.map((o) => o.customerId).filter((c): c is number => c !== null)), 6_000_000_000_999];
  return {
    orderIds: orders.map((o) => o.id),
    productIds: products.map((p) => p.id),
    webhookIds: [...orderLives, ...productLives].flat().map((d) => d.webhookId),
    customerIds,
  };
}

function stateOf(shop: string) {
  const domain = parseShopDomain(shop)!;
  return shopState(app.services.shopDbs.get(domain), shopsRepo(app.services.appDb).get(domain)!.customerSalt, keys());
}

beforeAll(async () => {
  app = await startTestApp();
  for (const d of [...productLives, ...orderLives].flat()) expect(await deliver(IN_ORDER, d, 1)).toEqual([200]);
  // Every life backwards (updates newest first, the cancel before its create), lives interleaved, each delivery three times.
  const messy = shuffled([...productLives, ...orderLives].map((life) => [...life].reverse()), 42);
  let pending = messy.map((life) => [...life]);
  while (pending.length) {
    for (const life of pending) expect(await deliver(MESSY, life.shift()!, 3)).toEqual([200, 200, 200]);
    pending = pending.filter((life) => life.length);
  }
});
afterAll(() => app?.close());

describe('duplicates and disorder', () => {
  it('ends in the same state as one in-order delivery', () => {
    const expected = stateOf(IN_ORDER);
    expect(stateOf(MESSY)).toEqual(expected);
  });

  it.each([
    ['holds every order once', (s: ReturnType<typeof stateOf>) => s.counts.orders, orders.length],
    ['keeps every cancel', (s: ReturnType<typeof stateOf>) => s.counts.cancelled, orders.filter((_, i) => i % 4 === 1).length],
    ['keeps the last edit of every edited order', (s: ReturnType<typeof stateOf>) =>
      s.orders.filter((o, i) => i % 4 === 0 && 'lines' in o && o.lines.length === Math.max(1, orders[i].lines.length - 1)).length,
      orders.filter((_, i) => i % 4 === 0).length],
    ['links relinked orders to their new customer', (s: ReturnType<typeof stateOf>) =>
      s.orders.filter((o, i) => i % 4 === 2 && 'customer' in o && o.customer === 6_000_000_000_999).length,
      orders.filter((_, i) => i % 4 === 2).length],
    ['keeps every product update', (s: ReturnType<typeof stateOf>) => s.products.filter((p) => 'title' in p && p.title.endsWith('(new)')).length, products.length],
    ['has a receipt for every delivery', (s: ReturnType<typeof stateOf>) => s.receipts.filter(([, has]) => has).length, keys().webhookIds.length],
  ])('the messy shop %s', (_what, measure, expected) => {
    expect(measure(stateOf(MESSY))).toBe(expected);
  });

  /** Create, update, delete as they happened, for an order and a product; each delivery named for this case. */
  const lives: [string, () => {happened: Delivery[]; id: number; stored: (st: ReturnType<typeof stateOf>) => unknown}][] = [
    ['order', () => {
      const o = orders[3];
      return {
        id: o.id,
        stored: (st) => st.orders[3],
        happened: [
          {webhookId: 'late-order-create', topic: 'orders/create', body: orderPayload(o)},
          {webhookId: 'late-order-update', topic: 'orders/updated', body: orderPayload({...o, updatedAt: later(o.updatedAt, 10)})},
          {webhookId: 'late-order-delete', topic: 'orders/delete', body: {id: o.id}},
        ],
      };
    }],
    ['product', () => {
      const p = products[3];
      return {
        id: p.id,
        stored: (st) => st.products[3],
        happened: [
          {webhookId: 'late-product-create', topic: 'products/create', body: productPayload(p)},
          {webhookId: 'late-product-update', topic: 'products/update', body: productPayload({...p, updatedAt: later(p.updatedAt, 10)})},
          {webhookId: 'late-product-delete', topic: 'products/delete', body: {id: p.id}},
        ],
      };
    }],
  ];

  it.each(lives)('a deleted %s stays deleted when an older update arrives after the delete', async (kind, life) => {
    const shop = `late-${kind}.myshopify.com`;
    const {happened: [create, update, remove], id, stored} = life();
    // Happened: create, update, delete (nothing left). Delivered: create, delete, then the late update.
    for (const d of [create, remove, update]) expect(await deliver(shop, d, 1)).toEqual([200]);
    expect(stored(stateOf(shop))).toEqual({id, absent: true});
  });
});
