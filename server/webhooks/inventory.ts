import {z} from 'zod';
import {inventoryRepo} from '../../storage/repos/inventory';
import {productsRepo} from '../../storage/repos/products';
import {parsePayload, shopifyId, timestamp} from './payload';
import type {Db} from '../../storage/open';
import type {WebhookHandler} from './types';

// inventory_items/create and inventory_items/update carry the InventoryItem: `id`, `tracked`, `updated_at` (and
// sku, cost, origin codes we never read), but no variant or product id: the variant names its item
// (`inventory_item_id` in the product webhook). Available with read_products since 2025-03:
// https://shopify.dev/changelog/inventoryitem-webhooks-accessible-with-product-scopes ; payload:
// https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-inventory_items/update
const inventoryItemPayload = z.object({id: shopifyId, tracked: z.boolean(), updated_at: timestamp});

/**
 * Records whether an item's stock is tracked and decides again whether the products that use it can be bought:
 * an untracked item (print on demand, digital goods) is available at any quantity. Call inside a transaction.
 */
export function storeInventoryItemWebhook(db: Db, payload: unknown): number {
  const item = parsePayload(inventoryItemPayload, payload, 'inventory item');
  const inventory = inventoryRepo(db);
  const products = productsRepo(db);
  inventory.setTracked(item.id, item.tracked, item.updated_at);
  for (const productId of inventory.productsOfItem(item.id)) {
    const decided = inventory.availability(productId);
    if (decided !== null && decided !== products.get(productId)?.available) products.setAvailable(productId, decided);
  }
  return item.id;
}

export const updateInventoryItem: WebhookHandler = (db, delivery) => ({outcome: 'applied', resourceId: storeInventoryItemWebhook(db, delivery.payload)});
