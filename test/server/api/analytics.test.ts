import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ApiApp} from './harness';
import {call, startApiApp} from './harness';
import {seedStore} from './fixture';

const SHOP = 'coffee-corner.myshopify.com';
let app: ApiApp;

beforeAll(async () => {
  app = await startApiApp();
  seedStore(app.services.shopDbs.get(SHOP as never), 1000);
});
afterAll(() => app?.close());

describe('GET /api/analytics', () => {
  it('counts the funnel per block and day, attributed orders and revenue', async () => {
    const {status, json} = await call(app, SHOP, 'GET', '/api/analytics?days=7');
    expect(status).toBe(200);
    expect([json.from, json.to]).toEqual(['2026-11-01', '2026-11-07']);
    expect(json.days).toHaveLength(7);
    // rendered 21..27 over the week, viewed 16..22, 4 clicks and 2 adds a day.
    expect(json.totals.fbt).toEqual({rendered: 168, viewed: 133, clicked: 28, added: 14, ordered: 4, revenue: 29 + 9 + 29 + 9 + 4 + 29 + 9});
    expect(json.totals.cart).toMatchObject({rendered: 21, ordered: 0, revenue: 0});
    expect(json.days[0]).toEqual({day: '2026-11-01', blocks: {fbt: {rendered: 21, viewed: 16, clicked: 4, added: 2, ordered: 1, revenue: 38}, cart: {rendered: 3, viewed: 0, clicked: 0, added: 0, ordered: 0, revenue: 0}}, bundleDiscount: {orders: 0, cost: 0, revenue: 0}});
    expect(json.store.orders).toBe(10);
  });

  it.each([
    ['a range before any data', '?days=3&to=2026-10-01', 0],
    ['a range ending mid-week', '?days=2&to=2026-11-02', 21 + 22],
  ])('%s', async (_case, qs, rendered) => {
    const {json} = await call(app, SHOP, 'GET', `/api/analytics${qs}`);
    expect(json.totals.fbt.rendered).toBe(rendered);
  });

  it.each([
    ['days=0', 'days'],
    ['days=1000', 'days'],
    ['to=yesterday', 'to'],
    ['to=2026-13-45', 'to'],
  ])('refuses %s', async (qs, field) => {
    const {status, json} = await call(app, SHOP, 'GET', `/api/analytics?${qs}`);
    expect(status).toBe(400);
    expect(Object.keys(json.error.fields)).toContain(field);
  });
});
