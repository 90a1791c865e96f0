import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {armFor} from '../../../domain/experiment';
import type {Arm, ExperimentPeriod} from '../../../domain/experiment';
import {seededRandom} from '../../../domain/random';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import type {ShopDomain} from '../../../storage/shop-domain';
import type {StoreOrder} from '../../../devkit/store-generator';
import {signProxyQuery} from '../../../devkit/storefront/sign';
import {orderPayload, sendWebhook, signedWebhook} from '../../../devkit/webhooks';
import type {ApiApp} from './harness';
import {call, startApiApp} from './harness';

// The experiment as the admin reads it, fed only through the app's front doors: impressions through the signed
// app proxy, orders through signed orders/create webhooks carrying the cart attributes the storefront sets.

let app: ApiApp;
let orderId = 5_000_000;
beforeAll(async () => {
  app = await startApiApp();
});
afterAll(() => app?.close());

function visitorIn(period: ExperimentPeriod, arm: Arm): string {
  for (;;) {
    const id = randomUUID();
    if (armFor(period, id) === arm) return id;
  }
}

/** Counts visitors through POST /proxy/experiment, 10 per client IP and at most 80 a second (under both budgets). */
async function view(shop: ShopDomain, period: number, visitors: string[]): Promise<void> {
  for (let i = 0; i < visitors.length; i += 80) {
    const started = Date.now();
    const statuses = await Promise.all(visitors.slice(i, i + 80).map((visitor, j) => {
      const query = signProxyQuery(new URLSearchParams(), {shop, secret: app.secret, pathPrefix: '/apps/pairwise'});
      const ip = `198.18.${Math.floor((i + j) / 10) % 250}.${((i + j) % 10) + 1}`;
      return fetch(`${app.url}/proxy/experiment?${query}`, {method: 'POST', headers: {'X-Forwarded-For': ip}, body: JSON.stringify({visitor, period})}).then((r) => r.status);
    }));
    expect(new Set(statuses)).toEqual(new Set([204]));
    if (i + 80 < visitors.length) await new Promise((r) => setTimeout(r, Math.max(0, 1100 - (Date.now() - started))));
  }
}

/** One order of `amount` by `visitor`, as Shopify sends it after checkout of a cart with the block's attributes. */
async function order(shop: ShopDomain, visitor: string, period: number, amount: number, cancelled = false): Promise<void> {
  const id = ++orderId;
  const at = '2026-11-20T10:00:00Z';
  const o: StoreOrder = {
    id, name: `#${id}`, createdAt: at, updatedAt: at, cancelledAt: cancelled ? at : null, customerId: null, currency: 'EUR',
    lines: [{id: 1, productId: 11, variantId: 12, title: 'Kettle', quantity: 1, price: amount.toFixed(2)}],
  };
  const note_attributes = [{name: '_pairwise_visitor', value: visitor}, {name: '_pairwise_period', value: String(period)}, {name: '_pairwise_arm', value: 'exposed'}];
  const res = await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic: 'orders/create', shop, secret: app.secret, body: orderPayload(o, {note_attributes})}));
  expect(res.status).toBe(200);
}

async function install(name: string, share: number) {
  const shop = parseShopDomain(`${name}.myshopify.com`)!;
  shopsRepo(app.services.appDb).recordInstall(shop, 'read_orders');
  return {shop, period: experimentPeriodsRepo(app.services.shopDbs.get(shop)).forShare(share)};
}

describe('GET /api/analytics/experiment', () => {
  it('per arm: visitors counted once, their orders (not cancelled ones, not an uncounted visitor\'s), conversion, RPV, AOV; not enough data yet', async () => {
    const {shop, period} = await install('experiment-small', 0.5);
    const exposed = Array.from({length: 12}, () => visitorIn(period, 'exposed'));
    const holdout = Array.from({length: 8}, () => visitorIn(period, 'holdout'));
    await view(shop, period.period, [...exposed, ...holdout, exposed[0], holdout[0]]);
    // Exposed: 3 buyers, one twice (40 + 10, 30, 20); holdout: 1 buyer (30). A cancelled order and an order by a
    // visitor who never viewed a page with the block count for nothing.
    await order(shop, exposed[0], period.period, 40);
    await order(shop, exposed[0], period.period, 10);
    await order(shop, exposed[1], period.period, 30);
    await order(shop, exposed[2], period.period, 20);
    await order(shop, exposed[3], period.period, 99, true);
    await order(shop, holdout[0], period.period, 30);
    await order(shop, visitorIn(period, 'holdout'), period.period, 500);

    const {status, json} = await call(app, shop, 'GET', '/api/analytics/experiment');
    expect(status).toBe(200);
    expect(json.period).toMatchObject({period: period.period, share: 0.5, startedAt: period.startedAt, endedAt: null});
    expect(json.period.daysRunning).toBeGreaterThanOrEqual(0);
    expect(json.currency).toBe('EUR');
    expect(json.estimate.exposed).toEqual({visitors: 12, orders: 4, conversionRate: 3 / 12, revenuePerVisitor: 100 / 12, averageOrderValue: 25});
    expect(json.estimate.holdout).toEqual({visitors: 8, orders: 1, conversionRate: 1 / 8, revenuePerVisitor: 30 / 8, averageOrderValue: 30});
    expect(json.estimate.revenuePerVisitor).toBeNull();
    expect(json.estimate.conversion).toBeNull();
    expect(json.estimate.informative).toBe(false);
    expect(json.estimate.power.visitorsStillNeeded).toBeGreaterThan(0);
  });

  it('a new share starts a new period; the old one stays readable; an unknown one is 404', async () => {
    const {shop, period: first} = await install('experiment-periods', 0.5);
    await view(shop, first.period, [visitorIn(first, 'exposed'), visitorIn(first, 'holdout')]);
    const second = experimentPeriodsRepo(app.services.shopDbs.get(shop)).forShare(0.2);
    const now = (await call(app, shop, 'GET', '/api/analytics/experiment')).json;
    expect(now.periods.map((p: {period: number; share: number}) => [p.period, p.share])).toEqual([[first.period, 0.5], [second.period, 0.2]]);
    expect(now.period).toMatchObject({period: second.period, share: 0.2, endedAt: null});
    expect(now.estimate.exposed.visitors + now.estimate.holdout.visitors).toBe(0);
    const old = (await call(app, shop, 'GET', `/api/analytics/experiment?period=${first.period}`)).json;
    expect(old.period.endedAt).toBe(second.startedAt);
    expect([old.estimate.exposed.visitors, old.estimate.holdout.visitors]).toEqual([1, 1]);
    expect((await call(app, shop, 'GET', '/api/analytics/experiment?period=99')).status).toBe(404);
    expect((await call(app, shop, 'GET', '/api/analytics/experiment?effect=7')).status).toBe(400);
  });

  it('a shop whose experiment never started answers no period', async () => {
    const shop = parseShopDomain('experiment-none.myshopify.com')!;
    const {json} = await call(app, shop, 'GET', '/api/analytics/experiment');
    expect(json).toMatchObject({periods: [], period: null});
  });

  it('with enough visitors: the uplift and its 95% intervals around the difference of the arms', async () => {
    const {shop, period} = await install('experiment-large', 0.5);
    const random = seededRandom(20);
    const visitors = Array.from({length: 480}, () => randomUUID());
    await view(shop, period.period, visitors);
    const revenue: Record<Arm, number> = {exposed: 0, holdout: 0};
    const count: Record<Arm, number> = {exposed: 0, holdout: 0};
    for (const v of visitors) {
      const arm = armFor(period, v);
      count[arm]++;
      if (random() < 0.25) {
        const amount = Math.round(20 + random() * 60) + (arm === 'exposed' ? 10 : 0);
        revenue[arm] += amount;
        await order(shop, v, period.period, amount);
      }
    }
    const {json} = await call(app, shop, 'GET', '/api/analytics/experiment');
    const rpv = (arm: Arm) => revenue[arm] / count[arm];
    expect(json.estimate.exposed.visitors).toBe(count.exposed);
    expect(json.estimate.revenuePerVisitor.absolute.estimate).toBeCloseTo(rpv('exposed') - rpv('holdout'), 9);
    expect(json.estimate.revenuePerVisitor.relative.estimate).toBeCloseTo(rpv('exposed') / rpv('holdout') - 1, 9);
    for (const interval of [json.estimate.revenuePerVisitor.absolute, json.estimate.conversion.absolute]) {
      expect(interval.low).toBeLessThan(interval.estimate);
      expect(interval.high).toBeGreaterThan(interval.estimate);
    }
  }, 60_000);
});
