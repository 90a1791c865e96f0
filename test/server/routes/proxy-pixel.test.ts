import {randomBytes, randomUUID} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {armFor} from '../../../domain/experiment';
import type {Arm, ExperimentPeriod} from '../../../domain/experiment';
import {generateStore} from '../../../devkit/store-generator';
import type {StoreOrder} from '../../../devkit/store-generator';
import {signProxyQuery} from '../../../devkit/storefront/sign';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {orderPayload, sendWebhook, signedWebhook} from '../../../devkit/webhooks';
import {experimentOrdersRepo} from '../../../storage/repos/experiment-orders';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';

// The web pixel's claims through the signed app proxy (POST /proxy/pixel) and the signed orders/create, over real
// HTTP, in either order: an order is attributed only when the webhook's checkout_token and order id agree with the
// claim, with the arm derived here; the cart's attributes win; an order is attributed once.

const SHOP = parseShopDomain('pixel-claims.myshopify.com')!;
// Two more shops for the per-shop limit, so its spending decides no other case.
const [BUSY, QUIET] = ['pixel-busy.myshopify.com', 'pixel-quiet.myshopify.com'].map((s) => parseShopDomain(s)!);
const orders: StoreOrder[] = [...generateStore({seed: 5, orders: 12, products: 10}).orders()];
let app: TestApp;
let period: ExperimentPeriod;
let next = 0;

beforeAll(async () => {
  app = await startTestApp({onInstalled: () => {}});
  for (const shop of [SHOP, BUSY, QUIET]) shopsRepo(app.services.appDb).recordInstall(shop, 'read_orders');
  const {period: number, salt, share} = experimentPeriodsRepo(app.services.shopDbs.get(SHOP)).forShare(0.5);
  period = {period: number, salt, share};
});
afterAll(async () => app?.close());

const visitorIn = (arm: Arm) => {
  for (;;) {
    const id = randomUUID();
    if (armFor(period, id) === arm) return id;
  }
};
const token = () => randomBytes(16).toString('hex');

function claim(body: Record<string, unknown>, ip = `203.0.113.${(next++ % 200) + 1}`, shop = SHOP) {
  const query = signProxyQuery(new URLSearchParams(), {shop, secret: app.secret, pathPrefix: '/apps/pairwise'});
  return fetch(`${app.url}/proxy/pixel?${query}`, {method: 'POST', headers: {'X-Forwarded-For': ip}, body: JSON.stringify(body)});
}
async function place(order: StoreOrder, overrides: Record<string, unknown>) {
  const res = await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic: 'orders/create', shop: SHOP, secret: app.secret, body: orderPayload(order, overrides)}));
  expect(res.status).toBe(200);
}
const attributed = (order: StoreOrder) => {
  const o = experimentOrdersRepo(app.services.shopDbs.get(SHOP)).get(order.id);
  return o && {visitor: o.visitorId, arm: o.arm, source: o.source};
};

describe('POST /proxy/pixel and orders/create', () => {
  it.each([
    ['the claim first, the order webhook later (a late delivery)', true],
    ['the order webhook first, the claim later', false],
  ])('%s: the order lands in the arm derived from the visitor', async (_case, claimFirst) => {
    const order = orders[claimFirst ? 7 : 8];
    const visitor = visitorIn('holdout');
    const checkout = token();
    const body = {checkout, order: String(order.id), visitor, period: period.period, arm: 'exposed'};
    if (claimFirst) expect((await claim(body)).status).toBe(204);
    await place(order, {checkout_token: checkout});
    if (!claimFirst) expect((await claim(body)).status).toBe(204);
    expect(attributed(order)).toEqual({visitor, arm: 'holdout', source: 'pixel'});
  });

  it('a claim naming another order than its checkout is not believed, before or after the webhook', async () => {
    const [order, other] = [orders[0], orders[1]];
    const checkout = token();
    await claim({checkout, order: String(other.id), visitor: visitorIn('exposed'), period: period.period});
    await place(order, {checkout_token: checkout});
    const late = token();
    await place(other, {checkout_token: late});
    await claim({checkout: late, order: String(order.id), visitor: visitorIn('exposed'), period: period.period});
    expect(attributed(order)).toBeUndefined();
    expect(attributed(other)).toBeUndefined();
  });

  it("the cart's attributes win over a claim, whichever arrives first; a second claim changes nothing", async () => {
    const [first, second] = [orders[2], orders[3]];
    const buyer = visitorIn('exposed');
    const note_attributes = [{name: '_pairwise_visitor', value: buyer}, {name: '_pairwise_period', value: String(period.period)}];
    const [a, b] = [token(), token()];
    await claim({checkout: a, order: String(first.id), visitor: visitorIn('holdout'), period: period.period});
    await place(first, {checkout_token: a, note_attributes});
    await place(second, {checkout_token: b, note_attributes});
    await claim({checkout: b, order: String(second.id), visitor: visitorIn('holdout'), period: period.period});
    expect(attributed(first)).toEqual({visitor: buyer, arm: 'exposed', source: 'cart'});
    expect(attributed(second)).toEqual({visitor: buyer, arm: 'exposed', source: 'cart'});

    const once = orders[4];
    const c = token();
    const visitor = visitorIn('holdout');
    await claim({checkout: c, order: String(once.id), visitor, period: period.period});
    await claim({checkout: c, order: String(once.id), visitor: visitorIn('exposed'), period: period.period});
    await place(once, {checkout_token: c});
    expect(attributed(once)).toEqual({visitor, arm: 'holdout', source: 'pixel'});
  });

  it('an unknown period or an order without a checkout token is left out', async () => {
    const [order, untokened] = [orders[5], orders[6]];
    const checkout = token();
    await claim({checkout, order: String(order.id), visitor: visitorIn('exposed'), period: period.period + 100});
    await place(order, {checkout_token: checkout});
    await place(untokened, {});
    expect(attributed(order)).toBeUndefined();
    expect(attributed(untokened)).toBeUndefined();
  });

  it.each([
    ['not JSON', 'nope', 400],
    ['a visitor that is not a storefront id', {checkout: token(), order: '1', visitor: 'me', period: 1}, 400],
    ['a checkout token with odd characters', {checkout: '<x>', order: '1', visitor: randomUUID(), period: 1}, 400],
  ])('refuses %s: %s', async (_case, body, status) => {
    const query = signProxyQuery(new URLSearchParams(), {shop: SHOP, secret: app.secret, pathPrefix: '/apps/pairwise'});
    const res = await fetch(`${app.url}/proxy/pixel?${query}`, {method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body)});
    expect(res.status).toBe(status);
  });

  it('is refused without the app-proxy signature', async () => {
    const res = await fetch(`${app.url}/proxy/pixel?shop=${SHOP}`, {method: 'POST', body: JSON.stringify({checkout: token(), order: '1', visitor: randomUUID(), period: 1})});
    expect(res.status).toBe(401);
  });

  it('one client gets 10 claims a minute, then 429 with Retry-After; another client is still heard', async () => {
    const body = () => ({checkout: token(), order: '12345', visitor: randomUUID(), period: period.period});
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await claim(body(), '198.51.100.7')).status);
    expect(statuses).toEqual([...Array(10).fill(204), 429]);
    const refused = await claim(body(), '198.51.100.7');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await claim(body(), '198.51.100.8')).status).toBe(204);
  });

  it("a shop's buyers together get 20 claims a second, then 429; another shop's claims are still heard", async () => {
    const body = () => ({checkout: token(), order: '12345', visitor: randomUUID(), period: period.period});
    // 45 buyers of one shop at once, one claim each (far within each client's 10 a minute): more than two of the
    // shop's one-second windows could hold, however the requests fall across them.
    const busy = (await Promise.all(Array.from({length: 45}, (_, i) => claim(body(), `198.51.100.${i + 20}`, BUSY)))).map((r) => r.status);
    const quiet = (await Promise.all(Array.from({length: 5}, (_, i) => claim(body(), `198.51.100.${i + 20}`, QUIET)))).map((r) => r.status);
    expect(busy.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(busy.filter((s) => s === 204).length).toBeGreaterThanOrEqual(20);
    expect(quiet).toEqual(Array(5).fill(204));
  });
});
