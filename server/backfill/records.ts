import {z} from 'zod';
import type {OrderRecord} from '../../storage/repos/orders';
import type {ProductRecord} from '../../storage/repos/products';
import {customerHash, parseAttribution} from '../webhooks/orders';
import {lowestPrice, money, parsePayload, productStatus, shopifyId, timestamp} from '../webhooks/payload';

// Bulk JSONL objects (GraphQL field names) -> the same records the webhook path stores, so both paths obey
// the same upsert rules.

const amount = z.object({shopMoney: z.object({amount: money})});

const orderNode = z.object({
  id: shopifyId,
  name: z.string().nullish(),
  createdAt: timestamp,
  updatedAt: timestamp,
  cancelledAt: timestamp.nullish(),
  currencyCode: z.string().nullish(),
  totalPriceSet: amount.nullish(),
  customer: z.object({id: shopifyId}).nullish(),
});

const lineItemNode = z.object({
  id: shopifyId,
  quantity: z.number().int().nonnegative(),
  product: z.object({id: shopifyId}).nullish(),
  variant: z.object({id: shopifyId}).nullish(),
  originalUnitPriceSet: amount.nullish(),
  customAttributes: z.array(z.object({key: z.string(), value: z.string().nullish()})).nullish(),
});

export function orderFromBulk(parent: unknown, children: unknown[], customerSalt: string): OrderRecord {
  const o = parsePayload(orderNode, parent, 'bulk order');
  return {
    orderId: o.id,
    name: o.name ?? null,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    cancelledAt: o.cancelledAt ?? null,
    currency: o.currencyCode ?? null,
    totalPrice: o.totalPriceSet?.shopMoney.amount ?? null,
    customerHash: o.customer ? customerHash(customerSalt, o.customer.id) : null,
    source: 'backfill',
    lines: children.map((child) => {
      const l = parsePayload(lineItemNode, child, 'bulk line item');
      const attribution = parseAttribution(l.customAttributes?.find((a) => a.key === '_pairwise')?.value);
      return {
        lineId: l.id,
        productId: l.product?.id ?? null,
        variantId: l.variant?.id ?? null,
        quantity: l.quantity,
        price: l.originalUnitPriceSet?.shopMoney.amount ?? null,
        pairwiseBlock: attribution?.block ?? null,
        pairwiseAnchor: attribution?.anchor ?? null,
      };
    }),
  };
}

const productNode = z.object({
  id: shopifyId,
  title: z.string(),
  handle: z.string(),
  status: productStatus,
  productType: z.string().nullish(),
  vendor: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  description: z.string().nullish(),
  isGiftCard: z.boolean().nullish(),
  createdAt: timestamp.nullish(),
  updatedAt: timestamp,
  featuredMedia: z.object({preview: z.object({image: z.object({url: z.string()}).nullish()}).nullish()}).nullish(),
});

const variantNode = z.object({price: money.nullish(), availableForSale: z.boolean()});

export function productFromBulk(parent: unknown, children: unknown[]): ProductRecord {
  const p = parsePayload(productNode, parent, 'bulk product');
  const variants = children.map((c) => parsePayload(variantNode, c, 'bulk variant'));
  return {
    productId: p.id,
    title: p.title,
    handle: p.handle,
    status: p.status,
    available: variants.some((v) => v.availableForSale),
    price: lowestPrice(variants),
    productType: p.productType ?? '',
    vendor: p.vendor ?? '',
    tags: (p.tags ?? []).join(', '),
    description: p.description ?? '',
    imageUrl: p.featuredMedia?.preview?.image?.url ?? null,
    giftCard: p.isGiftCard ?? false,
    createdAt: p.createdAt ?? null,
    updatedAt: p.updatedAt,
  };
}
