import fc from 'fast-check';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ordersRepo} from '../../../storage/repos/orders';
import {productsRepo} from '../../../storage/repos/products';
import {receiptsRepo} from '../../../storage/repos/receipts';
import {parseShopDomain} from '../../../storage/shop-domain';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {sendWebhook, signedWebhook} from '../../../devkit/webhooks';

/**
 * Signed deliveries that can never be stored (a product id beyond 2^53, an order, line or customer id beyond
 * 2^63 - 1, two lines with one id) are answered 200 and recorded as unreadable with their reason, so Shopify
 * stops retrying; and no two ids ever become one. Exact order ids past 2^53 end to end: exact-ids.test.ts.
 */

const SHOP = parseShopDomain('poison.myshopify.com')!;
const MAX = BigInt(Number.MAX_SAFE_INTEGER);
/** The largest order, line or customer id SQLite stores: 2^63 - 1. */
const MAX_STORED = 2n ** 63n - 1n;

let app: TestApp;
beforeAll(async () => void (app = await startTestApp()));
afterAll(async () => app?.close());

const db = () => app.services.shopDbs.get(SHOP);

/** Sends a raw body (so number literals beyond 2^53 reach the server as written) and returns status and receipt. */
async function deliver(topic: string, body: string) {
  const signed = signedWebhook({topic, shop: SHOP, body, secret: app.secret});
  const res = await sendWebhook(`${app.url}/webhooks`, signed);
  return {status: res.status, receipt: receiptsRepo(db()).get(signed.headers['X-Shopify-Webhook-Id'])};
}

/** An order payload whose `where` id is written as `literal` (a number literal, or a quoted string / gid). */
function orderBody(id: string, opts: {lineIds?: string[]; productId?: string; customerId?: string} = {}): string {
  const lines = (opts.lineIds ?? ['1']).map((lineId) => `{"id":${lineId},"product_id":${opts.productId ?? '5'},"variant_id":6,"quantity":1,"price":"2.50"}`);
  const customer = opts.customerId ? `,"customer":{"id":${opts.customerId}}` : '';
  return `{"id":${id},"created_at":"2026-11-01T10:00:00Z","updated_at":"2026-11-01T10:00:00Z","line_items":[${lines.join(',')}]${customer}}`;
}

/** Ids around 2^53 and well beyond it, the interesting part of the range. */
const idNear2p53 = fc.oneof(fc.bigInt({min: MAX - 50n, max: MAX + 50n}), fc.bigInt({min: 1n, max: 2n ** 64n}), fc.bigInt({min: 1n, max: MAX}));
/** How an id is written: a JSON number, a numeric string, or a GraphQL gid. */
const spelling = fc.constantFrom((n: bigint) => String(n), (n: bigint) => `"${n}"`, (n: bigint) => `"gid://shopify/Order/${n}"`);

describe('ids beyond 2^53', () => {
  it('in any position and any spelling: never a 500; an order id is stored exactly up to 2^63 - 1, a product id up to 2^53 - 1, a larger one is refused as unreadable', async () => {
    await fc.assert(
      fc.asyncProperty(idNear2p53, spelling, fc.constantFrom('order', 'line', 'product', 'customer'), async (n, spell, where) => {
        const orderId = where === 'order' ? n : 1_000_000n + (n % 1_000_000n);
        const id = (x: bigint) => spell(x);
        const body = orderBody(where === 'order' ? id(n) : String(orderId), {
          lineIds: [where === 'line' ? id(n) : '1'],
          productId: where === 'product' ? id(n) : undefined,
          customerId: where === 'customer' ? id(n) : undefined,
        });
        const {status, receipt} = await deliver('orders/updated', body);
        expect(status).toBe(200);
        const limit = where === 'product' ? MAX : MAX_STORED;
        if (n <= limit) {
          expect(receipt?.outcome).toBe('applied');
          if (where === 'order') expect(BigInt(ordersRepo(db()).get(n)!.order_id)).toBe(n);
        } else {
          expect(receipt).toMatchObject({outcome: 'unreadable', resource_id: null});
          expect(receipt?.reason).toContain(`id ${n} is beyond ${where === 'product' ? '2^53' : '2^63'} - 1`);
        }
      }),
      {numRuns: 60},
    );
  });

  it('two different ids never become one order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({min: MAX - 20n, max: MAX + 20n}), fc.bigInt({min: 1n, max: 20n}), spelling, async (a, gap, spell) => {
        const b = a + gap;
        const first = await deliver('orders/create', orderBody(spell(a), {lineIds: ['11']}));
        const second = await deliver('orders/create', orderBody(spell(b), {lineIds: ['22']}));
        expect([first.status, second.status]).toEqual([200, 200]);
        for (const [id, delivered, line] of [[a, first, 11], [b, second, 22]] as const) {
          expect(delivered.receipt?.outcome).toBe('applied');
          // Each id holds its own line only: the other order never landed on it.
          const order = ordersRepo(db()).get(id);
          expect([BigInt(order!.order_id), order!.lines.map((l) => l.line_id)]).toEqual([id, [line]]);
        }
      }),
      {numRuns: 40},
    );
  });

  it('"9007199254740993" and "9007199254740992" are not merged into one order (the issue\'s example)', async () => {
    const a = await deliver('orders/create', orderBody('"9007199254740993"', {lineIds: ['3']}));
    const b = await deliver('orders/create', orderBody('"9007199254740992"', {lineIds: ['2']}));
    expect([a.receipt?.outcome, b.receipt?.outcome]).toEqual(['applied', 'applied']);
    expect(ordersRepo(db()).get(9007199254740993n)?.lines.map((l) => l.line_id)).toEqual([3]);
    expect(ordersRepo(db()).get(9007199254740992n)?.lines.map((l) => l.line_id)).toEqual([2]);
  });

  it.each([
    ['products/update', `{"id":9007199254740993,"title":"T","handle":"t","status":"active","updated_at":"2026-11-01T10:00:00Z"}`],
    ['products/delete', `{"id":18446744073709551617}`],
    ['orders/delete', `{"id":"gid://shopify/Order/9223372036854775808"}`],
  ])('%s with an id beyond what it keeps exactly is acknowledged and recorded as unreadable', async (topic, body) => {
    const {status, receipt} = await deliver(topic, body);
    expect(status).toBe(200);
    expect(receipt).toMatchObject({outcome: 'unreadable'});
    expect(receipt?.reason).toMatch(topic.startsWith('products') ? /beyond 2\^53 - 1/ : /beyond 2\^63 - 1/);
    expect(productsRepo(db()).get(9007199254740992)).toBeUndefined();
  });

  it('a number a JS number would round is refused, not silently changed', async () => {
    // Between 2^52 and 2^53 doubles are one apart: JSON.parse reads this as the integer 4503599627370498.
    const {status, receipt} = await deliver('orders/create', orderBody('4503599627370497.5'));
    expect(status).toBe(200);
    expect(receipt?.outcome).toBe('unreadable');
    expect(ordersRepo(db()).get(4503599627370498)).toBeUndefined();
  });
});

describe('two lines with the same id', () => {
  it('any order with a repeated line id: 200, unreadable with the reason, nothing stored', async () => {
    let orderId = 5_000_000;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({min: 1, max: 6}), {minLength: 2, maxLength: 12}).filter((ids) => new Set(ids).size < ids.length), async (lineIds) => {
        const id = orderId++;
        const {status, receipt} = await deliver('orders/create', orderBody(String(id), {lineIds: lineIds.map(String)}));
        expect(status).toBe(200);
        expect(receipt?.outcome).toBe('unreadable');
        expect(receipt?.reason).toMatch(/line id \d+ appears twice/);
        expect(ordersRepo(db()).get(id)).toBeUndefined();
      }),
      {numRuns: 40},
    );
  });

  it('the same order with distinct line ids is stored with every line', async () => {
    const {receipt} = await deliver('orders/create', orderBody('6000001', {lineIds: ['1', '2', '3']}));
    expect(receipt?.outcome).toBe('applied');
    expect(ordersRepo(db()).get(6000001)?.lines.map((l) => l.line_id)).toEqual([1, 2, 3]);
  });
});

describe('any value in any field', () => {
  const base = () => JSON.parse(orderBody('7000001', {lineIds: ['1', '2']})) as Record<string, unknown> & {line_items: Record<string, unknown>[]};
  const orderFields = ['id', 'name', 'created_at', 'updated_at', 'cancelled_at', 'currency', 'total_price', 'customer', 'line_items'];
  const lineFields = ['id', 'product_id', 'variant_id', 'quantity', 'price', 'properties'];
  const strange = fc.oneof(
    fc.jsonValue(),
    fc.string({unit: 'binary'}),
    fc.constantFrom('\ud800', '9'.repeat(400), '1e400', -1, 0, 1e308, Number.MAX_SAFE_INTEGER + 2, '2026-13-45T99:99:99Z', '+275760-09-13T00:00:00.001Z', [{name: '_pairwise', value: 'fbt:99999999999999999999'}]),
  );

  it('never gets a 500: each delivery is applied, or recorded as unreadable with a reason', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...orderFields), fc.constantFrom(...lineFields), fc.boolean(), strange, async (orderField, lineField, inLine, value) => {
        const body = base();
        body.id = 7_000_000 + n++;
        if (inLine) body.line_items[1][lineField] = value;
        else body[orderField] = value;
        const {status, receipt} = await deliver('orders/updated', JSON.stringify(body));
        expect(status).toBe(200);
        expect(['applied', 'stale', 'unreadable']).toContain(receipt?.outcome);
        if (receipt?.outcome === 'unreadable') expect(receipt.reason).toBeTruthy();
      }),
      {numRuns: 150},
    );
  });
});

describe('the _pairwise attribution a shopper\'s cart carries', () => {
  it.each([
    ['fbt:12', 'fbt', 12],
    ['cart:', 'cart', null],
    ['fbt:9007199254740993', 'fbt', null],
    ['fbt:99999999999999999999', 'fbt', null],
    ['fbt:0', 'fbt', null],
  ])('%s: the order is applied, the anchor is exact or dropped (block %s, anchor %s)', async (value, block, anchor) => {
    const id = 8_000_000 + Math.floor(Math.random() * 1_000_000);
    const body = JSON.parse(orderBody(String(id))) as {line_items: Record<string, unknown>[]};
    body.line_items[0].properties = [{name: '_pairwise', value}];
    const {receipt} = await deliver('orders/create', JSON.stringify(body));
    expect(receipt?.outcome).toBe('applied');
    expect(db().prepare('SELECT pairwise_block AS block, pairwise_anchor AS anchor FROM order_lines WHERE order_id = ?').get(id)).toEqual({block, anchor});
  });
});
