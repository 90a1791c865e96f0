import {z} from 'zod';
import {inventoryRepo} from '../../storage/repos/inventory';
import type {VariantStock} from '../../storage/repos/inventory';
import {productsRepo} from '../../storage/repos/products';
import type {UpsertOutcome} from '../../storage/repos/orders';
import type {ProductRecord} from '../../storage/repos/products';
import type {Db} from '../../storage/open';
import {lowestPrice, money, parsePayload, productStatus, shopifyId, timestamp} from './payload';
import type {WebhookHandler} from './types';

// The variant of the products/create|update payload since API 2024-07, which removed `inventory_management`
// (and with it the only word on whether stock is tracked) from product webhooks: `inventory_item_id`,
// `inventory_quantity`, `inventory_policy` remain. https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-products/update
// (the removal: https://community.shopify.dev/t/webhook-containing-both-product-variant-inventory-item/5701).
// Whether an item is tracked comes from inventory_items/create|update (inventory.ts below).
const variant = z.object({
  id: shopifyId.nullish(),
  price: money.nullish(),
  inventory_item_id: shopifyId.nullish(),
  inventory_quantity: z.number().nullish(),
  inventory_policy: z.string().nullish(),
});

const productPayload = z.object({
  id: shopifyId,
  title: z.string(),
  handle: z.string(),
  status: productStatus,
  product_type: z.string().nullish(),
  vendor: z.string().nullish(),
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
  body_html: z.string().nullish(),
  image: z.object({src: z.string()}).nullish(),
  images: z.array(z.object({src: z.string()})).nullish(),
  variants: z.array(variant).nullish(),
  gift_card: z.boolean().nullish(),
  created_at: timestamp.nullish(),
  updated_at: timestamp,
});

/** Plain text from product HTML, for the content-based model and the admin; never rendered as HTML. */
export function plainText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The product fields of a products/create|update payload. `available` here is what the payload alone shows
 * (a variant in stock or allowed to oversell): a variant with no stock may still be untracked, which only the
 * shop's inventory rows tell, so the webhook path decides availability in storeProductWebhook instead.
 */
export function productFromWebhook(payload: unknown): ProductRecord {
  return productAndStock(payload).product;
}

function productAndStock(payload: unknown): {product: ProductRecord; stock: VariantStock[] | null} {
  const p = parsePayload(productPayload, payload, 'product');
  const variants = p.variants ?? [];
  // A variant row needs its id; Shopify always sends one, a hand-made payload may not.
  const stock = p.variants
    ? p.variants.flatMap((v) => (v.id ? [{variantId: v.id, inventoryItemId: v.inventory_item_id ?? null, inventoryQuantity: v.inventory_quantity ?? null, inventoryPolicy: v.inventory_policy ?? null}] : []))
    : null;
  const product: ProductRecord = {
    productId: p.id,
    title: p.title,
    handle: p.handle,
    status: p.status,
    available: variants.some((v) => v.inventory_policy === 'continue' || (v.inventory_quantity ?? 0) > 0),
    price: lowestPrice(variants),
    productType: p.product_type ?? '',
    vendor: p.vendor ?? '',
    tags: Array.isArray(p.tags) ? p.tags.join(', ') : (p.tags ?? ''),
    description: plainText(p.body_html ?? ''),
    imageUrl: p.image?.src ?? p.images?.[0]?.src ?? null,
    giftCard: p.gift_card ?? null,
    createdAt: p.created_at ?? null,
    updatedAt: p.updated_at,
  };
  return {product, stock};
}

/** An inventory item as inventory_items/create|update and the backfill's `inventoryItem { id tracked updatedAt }` carry it. */
export interface InventoryItemState {
  id: number;
  tracked: boolean;
  updatedAt: string;
}

/** Stores a products/create|update payload (storeProduct). Call inside a transaction. */
export function storeProductWebhook(db: Db, payload: unknown): {outcome: UpsertOutcome; productId: number} {
  const {product, stock} = productAndStock(payload);
  return {outcome: storeProduct(db, product, stock, []), productId: product.productId};
}

/**
 * Stores a product, its variants' stock and their inventory items (from a webhook, or from the backfill, which
 * reads all three), and decides whether it can be bought from the variant and inventory item rows. The same
 * staleness rules hold for both sources: a product older than the stored one changes neither it nor its variant
 * rows, and an item older than the stored one changes nothing (each carries its own updated_at), so a webhook
 * newer than a backfill's snapshot keeps what it said. When the rows cannot decide (no variant in stock and some
 * item never described), the stored answer stays, and a new product counts as available until an
 * inventory_items delivery says otherwise. `product.available` is what the variants alone show (in stock or
 * allowed to oversell): available whatever the rows say. Call inside a transaction.
 */
export function storeProduct(db: Db, product: ProductRecord, stock: VariantStock[] | null, items: InventoryItemState[]): UpsertOutcome {
  const products = productsRepo(db);
  const inventory = inventoryRepo(db);
  const outcome = products.upsert({...product, available: products.get(product.productId)?.available ?? true});
  for (const item of items) inventory.setTracked(item.id, item.tracked, item.updatedAt);
  const applied = outcome === 'applied';
  // A payload without `variants` (Shopify sends some) says nothing about them: the stored rows stay.
  if (applied && stock) inventory.replaceVariants(product.productId, stock);
  const stored = products.get(product.productId)?.available;
  // A stale product with no item news, or one deleted since (tombstoned): nothing to decide again.
  if (stored === undefined || (!applied && items.length === 0)) return outcome;
  const decided = (applied && product.available) || inventory.availability(product.productId);
  if (decided !== null && decided !== stored) products.setAvailable(product.productId, decided);
  return outcome;
}

export const upsertProduct: WebhookHandler = (db, delivery) => {
  const {outcome, productId} = storeProductWebhook(db, delivery.payload);
  return {outcome, resourceId: productId};
};

export const deleteProduct: WebhookHandler = (db, delivery) => {
  const {id} = parsePayload(z.object({id: shopifyId}), delivery.payload, 'products/delete');
  productsRepo(db).remove(id);
  return {outcome: 'applied', resourceId: id};
};
