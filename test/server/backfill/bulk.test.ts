import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../../devkit/store-generator';
import type {StoreOrder} from '../../../devkit/store-generator';
import {offlineSession} from '../../../server/auth/offline-session';
import {runBackfill} from '../../../server/backfill/bulk';
import {backfillsRepo} from '../../../storage/repos/backfills';
import {ordersRepo} from '../../../storage/repos/orders';
import {productsRepo} from '../../../storage/repos/products';
import {parseShopDomain} from '../../../storage/shop-domain';
import {startInstalledApp} from '../../../devkit/installed-app';
import type {InstalledApp} from '../../../devkit/installed-app';
import type {TestApp} from '../../../devkit/test-app';
import {orderPayload, sendWebhook, signedWebhook} from '../../../devkit/webhooks';

// The backfill against the Shopify stand-in (bulk operations and JSONL as Shopify documents them).

const SHOP = parseShopDomain('backfill.myshopify.com')!;
const store = generateStore({seed: 3, orders: 300, products: 60});
const orders: StoreOrder[] = [...store.orders()];
let installed: InstalledApp;
let app: TestApp;

beforeAll(async () => {
  installed = await startInstalledApp({standin: {bulkStepDelayMs: 5}});
  app = installed.app;
  await installed.install(SHOP, {products: store.products, orders});
});
afterAll(() => installed?.close());

const db = () => app.services.shopDbs.get(SHOP);

describe('bulk backfill', () => {
  it('imports the catalogue and every order with its lines', async () => {
    await runBackfill(app.services, SHOP, {pollMs: 10, chunk: 50});
    expect(productsRepo(db()).counts().products).toBe(store.products.length);
    expect(ordersRepo(db()).counts().orders).toBe(orders.length);
    const sample = orders[17];
    const stored = ordersRepo(db()).get(sample.id)!;
    expect(stored.lines.map((l) => l.product_id)).toEqual(sample.lines.map((l) => l.productId));
    expect(stored.cancelled_at !== null).toBe(sample.cancelledAt !== null);
    const repo = backfillsRepo(db());
    expect(repo.latest('orders')).toMatchObject({status: 'completed'});
    expect(repo.latest('orders')!.objects_done).toBeGreaterThan(orders.length);
  });

  it('is idempotent, and never overwrites a newer webhook update', async () => {
    const target = orders[5];
    const newer: StoreOrder = {...target, updatedAt: '2099-01-01T00:00:00Z', lines: target.lines.slice(0, 1)};
    const res = await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic: 'orders/updated', shop: SHOP, secret: app.secret, body: orderPayload(newer)}));
    expect(res.status).toBe(200);
    await runBackfill(app.services, SHOP, {pollMs: 10});
    expect(ordersRepo(db()).counts().orders).toBe(orders.length);
    expect(ordersRepo(db()).get(target.id)!.lines).toHaveLength(1);
  });

  it('resumes an operation that was started before a crash', async () => {
    const repo = backfillsRepo(db());
    // A run that had started its bulk operation and then died: the row still says "running".
    const session = await offlineSession(app.services, SHOP);
    const client = new app.services.shopify.clients.Graphql({session});
    const started = await client.request<{bulkOperationRunQuery: {bulkOperation: {id: string}}}>(
      'mutation { bulkOperationRunQuery(query: "{ products { edges { node { id title handle status productType vendor tags description isGiftCard createdAt updatedAt variants { edges { node { id price availableForSale } } } } } } }") { bulkOperation { id } userErrors { message } } }',
    );
    const id = repo.create('products');
    repo.started(id, started.data!.bulkOperationRunQuery.bulkOperation.id);
    await runBackfill(app.services, SHOP, {pollMs: 10});
    expect(repo.get(id)).toMatchObject({status: 'completed'});
    expect(productsRepo(db()).counts().products).toBe(store.products.length);
  });
});
