import {randomUUID} from 'node:crypto';
import type {AddressInfo} from 'node:net';
import express from 'express';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {armFor} from '../../../domain/experiment';
import type {Arm} from '../../../domain/experiment';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import type {StoredPeriod} from '../../../storage/repos/experiment-periods';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import type {ShopDomain} from '../../../storage/shop-domain';
import {signProxyQuery} from '../../../devkit/storefront/sign';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {experimentRouter} from '../../../server/routes/proxy-experiment';

// Impressions through the real app proxy route: each case has its own shop, so budgets never mix.
let app: TestApp;
const shop = (name: string) => parseShopDomain(`${name}.myshopify.com`)!;
const SHOPS = {counted: shop('impressions'), client: shop('impression-flood'), many: shop('impression-crowd')};

beforeAll(async () => {
  app = await startTestApp();
  for (const s of Object.values(SHOPS)) {
    shopsRepo(app.services.appDb).recordInstall(s, 'read_orders');
    experimentPeriodsRepo(app.services.shopDbs.get(s)).forShare(0.5);
  }
});
afterAll(async () => app?.close());

function impression(s: ShopDomain, body: object, ip = '198.51.100.1', signed = true): Promise<Response> {
  const query = signed ? signProxyQuery(new URLSearchParams(), {shop: s, secret: app.secret, pathPrefix: '/apps/pairwise'}) : `shop=${s}`;
  return fetch(`${app.url}/proxy/experiment?${query}`, {method: 'POST', headers: {'X-Forwarded-For': ip}, body: JSON.stringify(body)});
}
const visitorIn = (period: StoredPeriod, arm: Arm) => {
  for (;;) {
    const id = randomUUID();
    if (armFor(period, id) === arm) return id;
  }
};
const counted = (s: ShopDomain) =>
  app.services.shopDbs.get(s).prepare('SELECT period, visitor_id AS visitor, arm FROM experiment_visitors ORDER BY first_seen_at, visitor_id').all();

describe('POST /proxy/experiment', () => {
  it('counts a visitor once per period with the arm the server derives; a forged arm changes nothing', async () => {
    const s = SHOPS.counted;
    const period = experimentPeriodsRepo(app.services.shopDbs.get(s)).current()!;
    const exposed = visitorIn(period, 'exposed');
    const held = visitorIn(period, 'holdout');
    expect((await impression(s, {visitor: exposed, period: period.period, arm: 'holdout'})).status).toBe(204);
    expect((await impression(s, {visitor: exposed, period: period.period})).status).toBe(204);
    expect((await impression(s, {visitor: held, period: period.period, arm: 'exposed', holdout: false})).status).toBe(204);
    expect(counted(s)).toEqual(expect.arrayContaining([
      {period: period.period, visitor: exposed, arm: 'exposed'},
      {period: period.period, visitor: held, arm: 'holdout'},
    ]));
    expect(counted(s)).toHaveLength(2);
  });

  it.each([
    ['a period that is not the running one', (p: number) => ({visitor: randomUUID(), period: p + 1}), 204],
    ['an id the storefront does not make', (p: number) => ({visitor: 'x'.repeat(36), period: p}), 400],
    ['no period', () => ({visitor: randomUUID()}), 400],
  ])('%s is not counted', async (_, body, status) => {
    const s = SHOPS.counted;
    const before = counted(s).length;
    const period = experimentPeriodsRepo(app.services.shopDbs.get(s)).current()!.period;
    expect((await impression(s, body(period))).status).toBe(status);
    expect(counted(s)).toHaveLength(before);
  });

  it('an unsigned impression gets 401 and is not counted', async () => {
    const s = SHOPS.counted;
    const before = counted(s).length;
    const period = experimentPeriodsRepo(app.services.shopDbs.get(s)).current()!.period;
    expect((await impression(s, {visitor: randomUUID(), period}, '198.51.100.1', false)).status).toBe(401);
    expect(counted(s)).toHaveLength(before);
  });

  it('a client inventing visitors gets 429 while another shopper of the shop is still counted', async () => {
    const s = SHOPS.client;
    const period = experimentPeriodsRepo(app.services.shopDbs.get(s)).current()!.period;
    const flood = await Promise.all(Array.from({length: 40}, () => impression(s, {visitor: randomUUID(), period}, '203.0.113.7')));
    const statuses = flood.map((r) => r.status);
    expect(statuses.filter((c) => c === 204)).toHaveLength(20);
    expect(statuses.filter((c) => c === 429)).toHaveLength(20);
    const shopper = randomUUID();
    expect((await impression(s, {visitor: shopper, period}, '198.51.100.20')).status).toBe(204);
    expect(counted(s)).toHaveLength(21);
  });

  // The shop's budget is per second, so the full app's 200 cannot be reached on a loaded machine; the same route
  // with a budget of 5, mounted as proxy.ts mounts it behind a proxy shop, is reached by 12 clients at once.
  it('many clients together meet the shop\'s budget', async () => {
    const s = SHOPS.many;
    const period = experimentPeriodsRepo(app.services.shopDbs.get(s)).current()!.period;
    const small = express();
    small.set('trust proxy', true);
    small.use((_req, res, next) => {
      res.locals.proxyShop = s;
      next();
    });
    small.use(experimentRouter((shop) => app.services.shopDbs.get(shop), {clientPer10s: 20, shopPerSecond: 5}));
    const server = small.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/experiment`;
    const started = performance.now();
    const statuses = await Promise.all(Array.from({length: 30}, (_, i) =>
      fetch(url, {method: 'POST', headers: {'X-Forwarded-For': `198.51.100.${i + 1}`}, body: JSON.stringify({visitor: randomUUID(), period})}).then((r) => r.status),
    ));
    // The budget's windows are fixed seconds: on a loaded machine the 30 requests may reach two or three of them.
    const windows = Math.floor((performance.now() - started) / 1000) + 2;
    server.close();
    const accepted = statuses.filter((st) => st === 204).length;
    expect(accepted).toBeGreaterThanOrEqual(5);
    expect(accepted).toBeLessThanOrEqual(5 * windows);
    expect(statuses.filter((st) => st !== 204).every((st) => st === 429)).toBe(true);
    expect(counted(s)).toHaveLength(accepted);
  });
});
