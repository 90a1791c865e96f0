import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../../devkit/store-generator';
import {productFromWebhook} from '../../../server/webhooks/products';
import {orderFromWebhook} from '../../../server/webhooks/orders';
import {adminModelReads} from '../../../storage/repos/model-admin';
import {ordersRepo} from '../../../storage/repos/orders';
import {productsRepo} from '../../../storage/repos/products';
import {settingsRepo} from '../../../storage/repos/settings';
import {parseShopDomain} from '../../../storage/shop-domain';
import {startInstalledApp} from '../../../devkit/installed-app';
import type {InstalledApp} from '../../../devkit/installed-app';
import type {TestApp} from '../../../devkit/test-app';
import {sessionToken} from '../../../devkit/session-token';
import type {ShopifyStandin} from '../../../devkit/shopify-standin';
import {orderPayload, productPayload} from '../../../devkit/webhooks';

// "Retrain now" goes through the same entry point as the schedule: a shop on a manual schedule gets its new
// model's lists in the metafields (the blocks' first paint), not only in the model tables.

const SHOP = parseShopDomain('retrain-now.myshopify.com')!;
const store = generateStore({seed: 11, orders: 600, products: 60});
let installed: InstalledApp;
let standin: ShopifyStandin;
let app: TestApp;

beforeAll(async () => {
  installed = await startInstalledApp({app: {onInstalled: () => {}}});
  ({standin, app} = installed);
  await installed.install(SHOP, {products: store.products});
  const db = app.services.shopDbs.get(SHOP);
  db.transaction(() => {
    for (const p of store.products) productsRepo(db).upsert(productFromWebhook(productPayload(p)));
    for (const o of store.orders()) ordersRepo(db).upsert(orderFromWebhook(orderPayload(o), 'salt'));
  })();
  settingsRepo(db).update({retrainSchedule: 'manual'});
});
afterAll(() => installed?.close());

describe('POST /api/training ("Retrain now")', () => {
  it('trains, activates the model and writes its lists to the metafields', async () => {
    expect(standin.metafields(SHOP)).toHaveLength(0);
    const token = await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret});
    const res = await fetch(`${app.url}/api/training`, {method: 'POST', headers: {authorization: `Bearer ${token}`}});
    expect(res.status).toBe(202);
    await app.services.training.done(SHOP);
    const db = app.services.shopDbs.get(SHOP);
    expect(adminModelReads(db).runs(1)[0]).toMatchObject({status: 'published'});
    const lists = standin.metafields(SHOP).filter((m) => m.key === 'recommendations');
    expect(lists.length).toBeGreaterThan(0);
  }, 90_000);
});
