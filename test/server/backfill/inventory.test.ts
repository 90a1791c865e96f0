import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../../devkit/store-generator';
import type {StoreProduct} from '../../../devkit/store-generator';
import {runBackfill} from '../../../server/backfill/bulk';
import {parseShopDomain} from '../../../storage/shop-domain';
import type {ShopDomain} from '../../../storage/shop-domain';
import {startInstalledApp} from '../../../devkit/installed-app';
import type {InstalledApp} from '../../../devkit/installed-app';
import type {TestApp} from '../../../devkit/test-app';
import {inventoryItemPayload, productPayload, sendWebhook, signedWebhook} from '../../../devkit/webhooks';

// The backfill's stock facts against the webhooks': the stand-in's ungrouped bulk output (each variant line with
// its inventory item inside) lands in product_variants and inventory_items as the products/create and
// inventory_items/create webhooks of the same products do, availability is decided from those rows, and a
// webhook newer than the backfill's snapshot keeps what it said. Real SQLite files, real HTTP, signed webhooks.

const T1 = '2025-06-01T10:00:00.000Z';
const T2 = '2025-06-02T10:00:00.000Z';
const generated = generateStore({seed: 11, orders: 0, products: 10, draftRate: 0, newRate: 0}).products;
/** A generated product with other stock facts; `available` as Shopify would say (availableForSale). */
const product = (n: number, stock: Pick<StoreProduct, 'inventory'> & Partial<Pick<StoreProduct, 'tracked' | 'inventoryPolicy'>>): StoreProduct => {
  const p = {...generated[n], ...stock, updatedAt: T1};
  return {...p, available: p.inventoryPolicy === 'continue' || p.tracked === false || p.inventory > 0};
};
const untrackedNone = product(0, {inventory: 0, tracked: false});
const trackedNone = product(1, {inventory: 0, tracked: true});
const oversold = product(2, {inventory: 0, tracked: true, inventoryPolicy: 'continue'});
const inStock = product(3, {inventory: 5, tracked: true});
/** The snapshot says tracked and none left; an inventory_items webhook newer than it says untracked. */
const itemNewer = product(4, {inventory: 0, tracked: true});
/** The snapshot says none left; a products/update newer than it says 7. */
const productNewer = product(5, {inventory: 0, tracked: true});
const products = [untrackedNone, trackedNone, oversold, inStock, itemNewer, productNewer];

const BACKFILLED = parseShopDomain('stock-backfill.myshopify.com')!;
const WEBHOOKED = parseShopDomain('stock-webhooks.myshopify.com')!;
let installed: InstalledApp;
let app: TestApp;

beforeAll(async () => {
  installed = await startInstalledApp({standin: {bulkStepDelayMs: 5}});
  app = installed.app;
  await installed.install(BACKFILLED, {products, orders: []});
});
afterAll(() => installed?.close());

const webhook = async (shop: ShopDomain, topic: string, body: Record<string, unknown>) =>
  expect((await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic, shop, secret: app.secret, body}))).status).toBe(200);
const db = (shop: ShopDomain) => app.services.shopDbs.get(shop);
const available = (shop: ShopDomain, p: StoreProduct) =>
  (db(shop).prepare<[number], {available: number}>('SELECT available FROM products WHERE product_id = ?').get(p.id)?.available ?? null) === 1;
const rows = (shop: ShopDomain) => ({
  variants: db(shop).prepare('SELECT * FROM product_variants ORDER BY variant_id').all(),
  items: db(shop).prepare('SELECT * FROM inventory_items ORDER BY inventory_item_id').all(),
  available: db(shop).prepare('SELECT product_id, available FROM products ORDER BY product_id').all(),
});

describe('backfilled stock', () => {
  beforeAll(async () => {
    // Newer than the snapshot the bulk operation will read, and delivered before the backfill applies it.
    await webhook(BACKFILLED, 'inventory_items/update', inventoryItemPayload(itemNewer, {tracked: false, updated_at: T2}));
    await webhook(BACKFILLED, 'products/update', productPayload({...productNewer, inventory: 7, available: true, updatedAt: T2}));
    await runBackfill(app.services, BACKFILLED, {pollMs: 10});
  });

  it('fills product_variants and inventory_items as the products/create and inventory_items/create webhooks do', async () => {
    for (const p of products) {
      await webhook(WEBHOOKED, 'products/create', productPayload(p));
      await webhook(WEBHOOKED, 'inventory_items/create', inventoryItemPayload(p));
    }
    // The two shops differ only where the backfilled shop got the newer webhooks.
    await webhook(WEBHOOKED, 'inventory_items/update', inventoryItemPayload(itemNewer, {tracked: false, updated_at: T2}));
    await webhook(WEBHOOKED, 'products/update', productPayload({...productNewer, inventory: 7, available: true, updatedAt: T2}));
    expect(rows(BACKFILLED).variants).toHaveLength(products.length);
    expect(rows(BACKFILLED)).toEqual(rows(WEBHOOKED));
  });

  it.each([
    {case: 'an untracked variant with none in stock stays available', p: untrackedNone, expected: true},
    {case: 'a tracked variant with none in stock and the DENY policy is sold out', p: trackedNone, expected: false},
    {case: 'a tracked variant with none in stock and the CONTINUE policy is available', p: oversold, expected: true},
    {case: 'a tracked variant in stock is available', p: inStock, expected: true},
    {case: 'an inventory_items webhook newer than the snapshot wins (untracked: available)', p: itemNewer, expected: true},
    {case: 'a products/update newer than the snapshot wins (7 in stock: available)', p: productNewer, expected: true},
  ])('$case', ({p, expected}) => {
    expect(available(BACKFILLED, p)).toBe(expected);
  });

  it('keeps the newer webhooks\' facts in the rows', () => {
    const item = db(BACKFILLED).prepare('SELECT tracked, updated_at FROM inventory_items WHERE inventory_item_id = ?').get(inventoryItemPayload(itemNewer).id as number);
    expect(item).toEqual({tracked: 0, updated_at: T2});
    const variant = db(BACKFILLED).prepare('SELECT inventory_quantity FROM product_variants WHERE variant_id = ?').get(productNewer.variantId);
    expect(variant).toEqual({inventory_quantity: 7});
  });

  it('after the backfill, a products/update that sells out a tracked variant marks the product sold out (its item is known)', async () => {
    expect(available(BACKFILLED, inStock)).toBe(true);
    await webhook(BACKFILLED, 'products/update', productPayload({...inStock, inventory: 0, available: false, updatedAt: T2}));
    expect(available(BACKFILLED, inStock)).toBe(false);
    // An untracked one selling its last counted unit stays available.
    await webhook(BACKFILLED, 'products/update', productPayload({...untrackedNone, inventory: -3, updatedAt: T2}));
    expect(available(BACKFILLED, untrackedNone)).toBe(true);
  });
});
