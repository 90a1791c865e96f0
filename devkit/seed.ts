import type {Store} from './store-generator';
import {openAppDb, openShopDb} from '../storage/open';
import type {Db} from '../storage/open';
import {ordersRepo} from '../storage/repos/orders';
import {shopsRepo} from '../storage/repos/shops';
import type {ShopDomain} from '../storage/shop-domain';
import {orderFromWebhook} from '../server/webhooks/orders';
import {storeInventoryItemWebhook} from '../server/webhooks/inventory';
import {storeProductWebhook} from '../server/webhooks/products';
import {inventoryItemPayload, orderPayload, productPayload} from './webhooks';

/**
 * Writes a generated store into a shop's file through the same parsers the webhook route uses, in one
 * transaction: the state webhooks would leave, without thousands of HTTP round trips. Returns the open db.
 */
export function seedShopFile(dataDir: string, shop: ShopDomain, store: Pick<Store, 'products' | 'orders'>): Db {
  const appDb = openAppDb(dataDir);
  const salt = shopsRepo(appDb).ensure(shop).customerSalt;
  appDb.close();
  const db = openShopDb(dataDir, shop);
  db.transaction(() => {
    for (const p of store.products) {
      storeProductWebhook(db, productPayload(p));
      storeInventoryItemWebhook(db, inventoryItemPayload(p));
    }
    for (const o of store.orders()) ordersRepo(db).upsert(orderFromWebhook(orderPayload(o), salt));
  })();
  return db;
}
