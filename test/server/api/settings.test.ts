import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DEFAULT_SETTINGS} from '../../../domain/settings';
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

describe('settings', () => {
  it('starts at the defaults', async () => {
    const {status, json} = await call(app, SHOP, 'GET', '/api/settings');
    expect(status).toBe(200);
    expect(json.settings).toEqual(DEFAULT_SETTINGS);
  });

  it('saves a patch, keeps it across reads, and republishes every list when a block setting changes', async () => {
    const before = app.republished.length;
    const {status, json} = await call(app, SHOP, 'PUT', '/api/settings', {maxItems: 6, excludeVendors: ['Store'], holdoutShare: 0.2});
    expect(status).toBe(200);
    expect(json.settings).toMatchObject({maxItems: 6, excludeVendors: ['Store'], holdoutShare: 0.2, minLift: DEFAULT_SETTINGS.minLift});
    expect((await call(app, SHOP, 'GET', '/api/settings')).json.settings.maxItems).toBe(6);
    expect(app.republished.slice(before)).toHaveLength(1);
    // Every list (no product named): the republish works out which products have one, off the request.
    expect(app.republished[before].productIds).toBeUndefined();
  });

  it('does not republish for a change the storefront lists do not depend on', async () => {
    const before = app.republished.length;
    expect((await call(app, SHOP, 'PUT', '/api/settings', {retentionDays: 365, retrainSchedule: 'weekly'})).status).toBe(200);
    expect(app.republished.length).toBe(before);
  });

  it('reads a stored value it cannot use (hand-edited, older schema) as the default, not as an error', async () => {
    const db = app.services.shopDbs.get(SHOP as never);
    db.prepare(`INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES ('minLift', '{not json', ''), ('maxItems', '99', '')`).run();
    const {status, json} = await call(app, SHOP, 'GET', '/api/settings');
    expect(status).toBe(200);
    expect(json.settings).toMatchObject({minLift: DEFAULT_SETTINGS.minLift, maxItems: DEFAULT_SETTINGS.maxItems});
  });

  it.each([
    [{maxItems: 0}, 'maxItems'],
    [{maxItems: 2.5}, 'maxItems'],
    [{minConfidence: 1.5}, 'minConfidence'],
    [{minLift: -1}, 'minLift'],
    [{holdoutShare: 0.9}, 'holdoutShare'],
    [{upsellPriceRatio: 'cheap'}, 'upsellPriceRatio'],
    [{retrainSchedule: 'hourly'}, 'retrainSchedule'],
    [{retentionDays: 1}, 'retentionDays'],
    [{excludeTags: ['']}, 'excludeTags'],
    [{maxItemz: 4}, 'maxItemz'],
  ])('refuses %j with an error on %s and saves nothing', async (patch, field) => {
    const before = (await call(app, SHOP, 'GET', '/api/settings')).json.settings;
    const {status, json} = await call(app, SHOP, 'PUT', '/api/settings', {maxItems: 3, ...patch});
    expect(status).toBe(400);
    expect(json.error.code).toBe('invalid_input');
    expect(Object.keys(json.error.fields)).toContain(field);
    expect((await call(app, SHOP, 'GET', '/api/settings')).json.settings).toEqual(before);
  });
});
