import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {BUNDLE_DISCOUNT_TITLE} from '../../../domain/bundle-discount';
import {armFor} from '../../../domain/experiment';
import type {Arm, ExperimentPeriod} from '../../../domain/experiment';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {experimentVisitorsRepo} from '../../../storage/repos/experiment-visitors';
import {ordersRepo} from '../../../storage/repos/orders';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import type {StoreDiscountApplication, StoreOrder} from '../../../devkit/store-generator';
import {orderPayload, sendWebhook, signedWebhook} from '../../../devkit/webhooks';
import type {ApiApp} from './harness';
import {call, startApiApp} from './harness';

// The bundle discount measured from what orders say they received: signed order webhooks in the 2026-10 shape
// (discount_applications + line discount_allocations, devkit/webhooks.ts), through the real POST /webhooks, then
// read back through GET /api/analytics and GET /api/analytics/experiment.

const SHOP = parseShopDomain('bundle-measured.myshopify.com')!;
const BIG_ORDER = 9_007_199_254_740_993n;
const ours: StoreDiscountApplication = {title: BUNDLE_DISCOUNT_TITLE, description: 'Bought together: 10% off', value: '10.0', valueType: 'percentage'};
const sale: StoreDiscountApplication = {title: 'Summer sale', description: '', value: '1.0', valueType: 'fixed_amount'};

let app: ApiApp;
let period: ExperimentPeriod;
const visitors: Record<Arm, string[]> = {exposed: [], holdout: []};

function visitorIn(p: ExperimentPeriod, arm: Arm): string {
  for (;;) {
    const id = randomUUID();
    if (armFor(p, id) === arm) return id;
  }
}

const line = (id: number, price: string, quantity: number, allocations: [number, string][] = []) => ({
  id, productId: 100 + id, variantId: 200 + id, title: `Product ${id}`, quantity, price,
  discountAllocations: allocations.map(([applicationIndex, amount]) => ({applicationIndex, amount})),
});

function storeOrder(id: number, day: string, applications: StoreDiscountApplication[], lines: StoreOrder['lines']): StoreOrder {
  const at = `${day}T10:00:00Z`;
  return {id, name: `#${id}`, createdAt: at, updatedAt: at, cancelledAt: null, customerId: null, currency: 'EUR', lines, discountApplications: applications};
}

const noteAttributes = (visitor: string) => [{name: '_pairwise_visitor', value: visitor}, {name: '_pairwise_period', value: String(period.period)}];

async function deliver(body: string | Record<string, unknown>): Promise<void> {
  const res = await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic: 'orders/create', shop: SHOP, secret: app.secret, body}));
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  app = await startApiApp();
  shopsRepo(app.services.appDb).recordInstall(SHOP, 'read_orders');
  const db = app.services.shopDbs.get(SHOP);
  period = experimentPeriodsRepo(db).forShare(0.5);
  for (const arm of ['exposed', 'holdout'] as const) {
    for (let i = 0; i < 2; i++) {
      visitors[arm].push(visitorIn(period, arm));
      experimentVisitorsRepo(db).record(period.period, visitors[arm][i], arm);
    }
  }

  // A (exposed): ours on two lines, another automatic discount beside it on one: 59 + 2 x 6.50 + 24 - 1.30 - 2.40 - 1.00 = 91.30.
  await deliver(orderPayload(storeOrder(1001, '2026-11-20', [ours, sale], [line(1, '59.00', 1), line(2, '6.50', 2, [[0, '1.30']]), line(3, '24.00', 1, [[0, '2.40'], [1, '1.00']])]),
    {note_attributes: noteAttributes(visitors.exposed[0])}));
  // B (exposed): a discount code that happens to carry our title is not our automatic discount. 50 - 5 = 45.
  const b = orderPayload(storeOrder(1002, '2026-11-20', [ours], [line(1, '50.00', 1, [[0, '5.00']])]), {note_attributes: noteAttributes(visitors.exposed[1])});
  (b.discount_applications as Record<string, unknown>[])[0].type = 'discount_code';
  await deliver(b);
  // C (held out): ours on 2 units, one refunded since (current_quantity 1): the discount on the unit kept counts.
  const c = orderPayload(storeOrder(1003, '2026-11-21', [ours], [line(1, '20.00', 2, [[0, '4.00']])]), {note_attributes: noteAttributes(visitors.holdout[0]), current_total_price: '18.00'});
  (c.line_items as Record<string, unknown>[])[0].current_quantity = 1;
  await deliver(c);
  // D: a test order and E: a cancelled one, both with ours: left out of every number.
  await deliver(orderPayload(storeOrder(1004, '2026-11-21', [ours], [line(1, '30.00', 1, [[0, '3.00']])]), {test: true, note_attributes: noteAttributes(visitors.holdout[1])}));
  await deliver(orderPayload({...storeOrder(1005, '2026-11-21', [ours], [line(1, '30.00', 1, [[0, '3.00']])]), cancelledAt: '2026-11-21T11:00:00Z'}, {note_attributes: noteAttributes(visitors.holdout[1])}));
  // F: an order id past 2^53, as Shopify's JSON carries it (no visitor: outside the experiment). 5.00 - 0.50.
  const f = JSON.stringify(orderPayload(storeOrder(777_000_001, '2026-11-22', [ours], [line(1, '5.00', 1, [[0, '0.50']])])));
  await deliver(f.replace('"id":777000001,', `"id":${BIG_ORDER},`));
});
afterAll(() => app?.close());

describe('the bundle discount, from the orders\' discount allocations', () => {
  it('stores per line what our automatic discount took off the units kept; ids stay exact', () => {
    const repo = ordersRepo(app.services.shopDbs.get(SHOP));
    expect(repo.get(1001)!.lines.map((l) => l.bundle_discount)).toEqual([0, 1.3, 2.4]);
    expect(repo.get(1002)!.lines.map((l) => l.bundle_discount)).toEqual([0]);
    expect(repo.get(1003)!.lines.map((l) => l.bundle_discount)).toEqual([2]);
    const big = repo.get(BIG_ORDER)!;
    expect(big.order_id).toBe(BIG_ORDER);
    expect(big.lines.map((l) => l.bundle_discount)).toEqual([0.5]);
  });

  it('GET /api/analytics: per day and for the range, bundle orders, the discount\'s cost and their revenue after it', async () => {
    const {status, json} = await call(app, SHOP, 'GET', '/api/analytics?days=3&to=2026-11-22');
    expect(status).toBe(200);
    expect(json.days.map((d: {day: string; bundleDiscount: unknown}) => [d.day, d.bundleDiscount])).toEqual([
      ['2026-11-20', {orders: 1, cost: 3.7, revenue: 91.3}],
      ['2026-11-21', {orders: 1, cost: 2, revenue: 18}],
      ['2026-11-22', {orders: 1, cost: 0.5, revenue: 4.5}],
    ]);
    expect(json.bundleDiscount.orders).toBe(3);
    expect(json.bundleDiscount.cost).toBeCloseTo(6.2, 9);
    expect(json.bundleDiscount.revenue).toBeCloseTo(113.8, 9);
    // Store revenue is after every discount too (Shopify's totals are), the test order counted aside.
    expect(json.store.revenue).toBeCloseTo(91.3 + 45 + 18 + 4.5, 9);
    expect(json.testOrdersLeftOut).toBe(1);
  });

  it('GET /api/analytics/experiment: revenue per visitor after discounts, and per arm the bundle discount\'s orders and cost per visitor', async () => {
    const {json} = await call(app, SHOP, 'GET', '/api/analytics/experiment');
    expect(json.estimate.exposed.revenuePerVisitor).toBeCloseTo((91.3 + 45) / 2, 9);
    expect(json.estimate.holdout.revenuePerVisitor).toBeCloseTo(18 / 2, 9);
    expect(json.bundleDiscount.exposed).toEqual({orders: 1, cost: 3.7, perVisitor: 3.7 / 2});
    expect(json.bundleDiscount.holdout).toEqual({orders: 1, cost: 2, perVisitor: 1});
  });
});
