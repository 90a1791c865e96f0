import {randomUUID} from 'node:crypto';
import Database from 'better-sqlite3';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {experimentOrdersRepo} from '../../../storage/repos/experiment-orders';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {receiptsRepo} from '../../../storage/repos/receipts';
import {trainingDataRepo} from '../../../storage/repos/training-data';
import {parseShopDomain} from '../../../storage/shop-domain';
import {loadShopBaskets} from '../../../trainer/publish';
import {sessionToken} from '../../../devkit/session-token';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {sendWebhook, signedWebhook} from '../../../devkit/webhooks';
import type {CustomerDataExport} from '../../../domain/data-requests';

/**
 * Order, line and customer ids beyond 2^53 stay exact from the signed webhook to the SQLite file, the trainer's
 * baskets, deletes, redacts and the data-request export. 9007199254740993 is the example: as a JS number
 * it is 9007199254740992, so on a rounding path A and B below become one order.
 */

const SHOP = parseShopDomain('exact-ids.myshopify.com')!;
const A = 9007199254740993n;
const B = 9007199254740992n;
/** Two line ids of one order that one JS number would also hold as one. */
const LINES = [9007199254740993n, 9007199254740992n];
const CUSTOMER_A = 9007199254740995n;
const CUSTOMER_B = 9007199254740997n;

let app: TestApp;
beforeAll(async () => void (app = await startTestApp({onInstalled: () => {}, republish: () => {}})));
afterAll(async () => app?.close());

const db = () => app.services.shopDbs.get(SHOP);

/** Reads the shop's file on its own connection, every integer as a BigInt: what is stored, not what a number makes of it. */
function stored<T>(sql: string): T[] {
  const file = new Database(db().name, {readonly: true});
  try {
    return file.prepare(sql).safeIntegers(true).all() as T[];
  } finally {
    file.close();
  }
}

/** Sends a raw body, so the number literals reach the server as written; returns status and receipt. */
async function deliver(topic: string, body: string) {
  const signed = signedWebhook({topic, shop: SHOP, body, secret: app.secret});
  const res = await sendWebhook(`${app.url}/webhooks`, signed);
  return {status: res.status, receipt: receiptsRepo(db()).get(signed.headers['X-Shopify-Webhook-Id'])};
}

function orderBody(id: bigint | string, o: {customer?: bigint; createdAt?: string; updatedAt?: string; cancelledAt?: string; lines?: (bigint | string)[]; noteAttributes?: unknown} = {}): string {
  const createdAt = o.createdAt ?? '2026-11-01T10:00:00Z';
  const lines = (o.lines ?? LINES).map((line, i) => `{"id":${line},"product_id":${5 + i},"variant_id":${50 + i},"quantity":1,"price":"2.50"}`);
  return `{"id":${id},"created_at":"${createdAt}","updated_at":"${o.updatedAt ?? createdAt}"` +
    (o.cancelledAt ? `,"cancelled_at":"${o.cancelledAt}"` : '') +
    (o.customer ? `,"customer":{"id":${o.customer}}` : '') +
    (o.noteAttributes ? `,"note_attributes":${JSON.stringify(o.noteAttributes)}` : '') +
    `,"line_items":[${lines.join(',')}]}`;
}

const orderRows = () => stored<{order_id: bigint; cancelled_at: string | null; linked: bigint}>(
  'SELECT order_id, cancelled_at, customer_hash IS NOT NULL AS linked FROM orders ORDER BY order_id',
);

describe('order ids beyond 2^53', () => {
  it('9007199254740993 and 9007199254740992 are two orders, each stored exactly with its exact line ids', async () => {
    const a = await deliver('orders/create', orderBody(A, {customer: CUSTOMER_A, createdAt: '2026-11-01T10:00:00Z'}));
    // B as a numeric string: the spelling does not matter, the id does.
    const b = await deliver('orders/create', orderBody(`"${B}"`, {customer: CUSTOMER_B, createdAt: '2026-11-01T11:00:00Z'}));
    expect([a.status, b.status, a.receipt?.outcome, b.receipt?.outcome]).toEqual([200, 200, 'applied', 'applied']);

    expect(orderRows().map((r) => r.order_id)).toEqual([B, A]);
    expect(stored('SELECT order_id, line_id, product_id FROM order_lines ORDER BY order_id, line_id')).toEqual([
      {order_id: B, line_id: LINES[1], product_id: 6n},
      {order_id: B, line_id: LINES[0], product_id: 5n},
      {order_id: A, line_id: LINES[1], product_id: 6n},
      {order_id: A, line_id: LINES[0], product_id: 5n},
    ]);
    // The two customers, one apart past 2^53, are two salted hashes.
    expect(new Set(stored<{h: string}>('SELECT customer_hash AS h FROM orders').map((r) => r.h)).size).toBe(2);
    // The log line names the exact id, and stays JSON (the server's logger writes JSON.stringify of it; a BigInt throws).
    expect(app.logs.filter((l) => l.msg === 'webhook applied').map((l) => l.fields?.id)).toEqual([String(A), String(B)]);
    expect(() => JSON.stringify(app.logs)).not.toThrow();
  });

  it('train as two baskets', () => {
    const lines = [...trainingDataRepo(db()).orderLines()];
    expect(lines.map((l) => l.orderId)).toEqual([A, A, B, B]);
    expect(loadShopBaskets(lines).baskets.count).toBe(2);
  });

  it('a customers/data_request listing one is exported with its exact ids, as strings', async () => {
    const body = `{"shop_id":1,"shop_domain":"${SHOP}","orders_requested":[${A}],"customer":{"id":${CUSTOMER_B}},"data_request":{"id":77}}`;
    expect((await deliver('customers/data_request', body)).receipt?.outcome).toBe('applied');
    const token = await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret});
    const list = (await (await fetch(`${app.url}/api/data-requests`, {headers: {authorization: `Bearer ${token}`}})).json()) as {items: {id: number}[]};
    const res = await fetch(`${app.url}/api/data-requests/${list.items[0].id}`, {headers: {authorization: `Bearer ${token}`}});
    expect(res.status).toBe(200);
    const data = (await res.json()) as CustomerDataExport;
    expect(data.request.ordersRequested).toEqual([String(A)]);
    // A was listed by Shopify, B is linked through CUSTOMER_B's hash; in created_at order.
    expect(data.orders.map((o) => [o.orderId, o.lines.map((l) => l.lineId)])).toEqual([
      [String(A), [String(LINES[1]), String(LINES[0])]],
      [String(B), [String(LINES[1]), String(LINES[0])]],
    ]);
  });

  it('orders/cancelled for one cancels only it', async () => {
    const {receipt} = await deliver('orders/cancelled', orderBody(A, {customer: CUSTOMER_A, updatedAt: '2026-11-02T10:00:00Z', cancelledAt: '2026-11-02T10:00:00Z'}));
    expect(receipt?.outcome).toBe('applied');
    expect(orderRows().map((r) => [r.order_id, r.cancelled_at])).toEqual([[B, null], [A, '2026-11-02T10:00:00.000Z']]);
    expect([...trainingDataRepo(db()).orderLines()].map((l) => l.orderId)).toEqual([B, B]);
  });

  it('a customers/redact listing one unlinks only it', async () => {
    const body = `{"shop_id":1,"shop_domain":"${SHOP}","customer":{"id":42},"orders_to_redact":[${A}]}`;
    const {status, receipt} = await deliver('customers/redact', body);
    expect([status, receipt?.outcome]).toEqual([200, 'applied']);
    expect(orderRows().map((r) => [r.order_id, r.linked])).toEqual([[B, 1n], [A, 0n]]);
  });

  it('orders/delete for one deletes only it, and its tombstone is exact', async () => {
    expect((await deliver('orders/delete', `{"id":"gid://shopify/Order/${A}"}`)).receipt?.outcome).toBe('applied');
    expect(orderRows().map((r) => r.order_id)).toEqual([B]);
    expect(stored('SELECT order_id FROM order_lines GROUP BY order_id')).toEqual([{order_id: B}]);
    expect(stored("SELECT resource_id FROM tombstones WHERE kind = 'order'")).toEqual([{resource_id: A}]);
    // A later update of B is still applied: the tombstone is A's alone.
    const later = await deliver('orders/updated', orderBody(B, {updatedAt: '2026-11-03T10:00:00Z'}));
    expect(later.receipt?.outcome).toBe('applied');
  });

  it('an experiment order is recorded under its exact id', async () => {
    const period = experimentPeriodsRepo(db()).forShare(0.5);
    const C = 9007199254740995n;
    const noteAttributes = [{name: '_pairwise_visitor', value: randomUUID()}, {name: '_pairwise_period', value: String(period.period)}];
    expect((await deliver('orders/create', orderBody(C, {noteAttributes}))).receipt?.outcome).toBe('applied');
    expect(stored('SELECT order_id FROM experiment_orders')).toEqual([{order_id: C}]);
    expect(experimentOrdersRepo(db()).get(C)?.orderId).toBe(C);
    expect(experimentOrdersRepo(db()).get(Number(C))).toBeUndefined();
  });

  it.each([
    ['an order id', 'orders/create', orderBody(2n ** 63n)],
    ['a line id', 'orders/create', orderBody(9007199254740999n, {lines: [2n ** 63n + 1n]})],
    ['an order to redact', 'customers/redact', `{"shop_id":1,"shop_domain":"${SHOP}","customer":{"id":42},"orders_to_redact":[${2n ** 64n}]}`],
  ])('%s beyond 2^63 - 1 (more than SQLite stores) is acknowledged and recorded as unreadable', async (_what, topic, body) => {
    const {status, receipt} = await deliver(topic, body);
    expect(status).toBe(200);
    expect(receipt?.outcome).toBe('unreadable');
    expect(receipt?.reason).toMatch(/beyond 2\^63 - 1/);
  });
});
