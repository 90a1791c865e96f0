import {z} from 'zod';
import {productsRepo} from '../../storage/repos/products';
import type {ProductRecord} from '../../storage/repos/products';
import {lowestPrice, money, parsePayload, productStatus, shopifyId, timestamp} from './payload';
import type {WebhookHandler} from './types';

const variant = z.object({
  price: money.nullish(),
  inventory_quantity: z.number().nullish(),
  inventory_policy: z.string().nullish(),
  inventory_management: z.string().nullish(),
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

/** A variant can be bought when it is in stock, untracked, or allowed to oversell. */
function variantAvailable(v: z.infer<typeof variant>): boolean {
  if (v.inventory_policy === 'continue') return true;
  if (v.inventory_management === null || v.inventory_management === undefined) {
    return v.inventory_quantity === null || v.inventory_quantity === undefined || v.inventory_quantity > 0;
  }
  return (v.inventory_quantity ?? 0) > 0;
}

export function productFromWebhook(payload: unknown): ProductRecord {
  const p = parsePayload(productPayload, payload, 'product');
  const variants = p.variants ?? [];
  return {
    productId: p.id,
    title: p.title,
    handle: p.handle,
    status: p.status,
    available: variants.some(variantAvailable),
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
}

export const upsertProduct: WebhookHandler = (db, delivery) => {
  const product = productFromWebhook(delivery.payload);
  return {outcome: productsRepo(db).upsert(product), resourceId: product.productId};
};

export const deleteProduct: WebhookHandler = (db, delivery) => {
  const {id} = parsePayload(z.object({id: shopifyId}), delivery.payload, 'products/delete');
  productsRepo(db).remove(id);
  return {outcome: 'applied', resourceId: id};
};
