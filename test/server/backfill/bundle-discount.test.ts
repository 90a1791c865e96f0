import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {BUNDLE_DISCOUNT_TITLE} from '../../../domain/bundle-discount';
import {generateStore} from '../../../devkit/store-generator';
import type {StoreOrder} from '../../../devkit/store-generator';
import {runBackfill} from '../../../server/backfill/bulk';
import {ordersRepo} from '../../../storage/repos/orders';
import {parseShopDomain} from '../../../storage/shop-domain';
import {startInstalledApp} from '../../../devkit/installed-app';
import type {InstalledApp} from '../../../devkit/installed-app';
import type {TestApp} from '../../../devkit/test-app';

// Past orders' bundle discount, through the bulk backfill against the stand-in: LineItem.discountAllocations with
// their AutomaticDiscountApplication's title (GraphQL 2026-10), stored as the webhook path stores it.

const SHOP = parseShopDomain('backfill-discounts.myshopify.com')!;
const store = generateStore({seed: 5, orders: 0, products: 6});
const [a, b, c] = store.products;
const at = '2025-06-01T10:00:00Z';
const orders: StoreOrder[] = [
  {
    id: 4001, name: '#4001', createdAt: at, updatedAt: at, cancelledAt: null, customerId: null, currency: 'USD',
    discountApplications: [
      {title: BUNDLE_DISCOUNT_TITLE, description: 'Bought together: 10% off', value: '10.0', valueType: 'percentage'},
      {title: 'Spring sale', description: '', value: '2.00', valueType: 'fixed_amount'},
    ],
    lines: [
      {id: 1, productId: a.id, variantId: a.variantId, title: a.title, quantity: 1, price: '40.00'},
      {id: 2, productId: b.id, variantId: b.variantId, title: b.title, quantity: 3, price: '10.00', discountAllocations: [{amount: '3.00', applicationIndex: 0}]},
      {id: 3, productId: c.id, variantId: c.variantId, title: c.title, quantity: 1, price: '25.00', discountAllocations: [{amount: '2.50', applicationIndex: 0}, {amount: '2.00', applicationIndex: 1}]},
    ],
  },
  {
    id: 4002, name: '#4002', createdAt: at, updatedAt: at, cancelledAt: null, customerId: null, currency: 'USD',
    lines: [{id: 1, productId: a.id, variantId: a.variantId, title: a.title, quantity: 1, price: '40.00'}],
  },
];
let installed: InstalledApp;
let app: TestApp;

beforeAll(async () => {
  installed = await startInstalledApp({standin: {bulkStepDelayMs: 5}});
  app = installed.app;
  await installed.install(SHOP, {products: store.products, orders});
});
afterAll(() => installed?.close());

describe('bulk backfill of discounted orders', () => {
  it('stores each line\'s bundle discount (ours only, not the other automatic discount) and the total after discounts', async () => {
    await runBackfill(app.services, SHOP, {pollMs: 10, chunk: 50});
    const repo = ordersRepo(app.services.shopDbs.get(SHOP));
    expect(repo.get(4001)!.lines.map((l) => l.bundle_discount)).toEqual([0, 3, 2.5]);
    expect(repo.get(4002)!.lines.map((l) => l.bundle_discount)).toEqual([0]);
    const total = app.services.shopDbs.get(SHOP).prepare('SELECT total_price FROM orders WHERE order_id = 4001').get() as {total_price: number};
    expect(total.total_price).toBe(40 + 30 + 25 - 3 - 2.5 - 2);
  });
});
