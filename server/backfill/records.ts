import {z} from 'zod';
import {bundleDiscountOnLine} from '../../domain/bundle-discount';
import type {OrderLineRecord, OrderRecord} from '../../storage/repos/orders';
import type {VariantStock} from '../../storage/repos/inventory';
import type {ProductRecord} from '../../storage/repos/products';
import type {InventoryItemState} from '../webhooks/products';
import {customerHash, parseAttribution} from '../webhooks/orders';
import {lowestPrice, money, parsePayload, productStatus, shopifyId, timestamp} from '../webhooks/payload';

// Bulk JSONL objects (GraphQL field names) -> the same records the webhook path stores, so both paths obey
// the same upsert rules. Each line is read on its own (what is staged is the result, never the raw line), and
// a parent and its children are put together once the whole file is staged (bulk.ts).

/** How one kind's JSONL lines are read and then put back together into a record. */
export interface BulkRecords<Parent, Child, Record> {
  /** The gid type of a top-level line: every `__parentId` names one. */
  parentType: 'Order' | 'Product';
  parent(line: unknown): Parent;
  child(line: unknown): Child;
  assemble(parent: Parent, children: Child[]): Record;
}

const amount = z.object({shopMoney: z.object({amount: money})});

const orderNode = z.object({
  id: shopifyId,
  name: z.string().nullish(),
  createdAt: timestamp,
  updatedAt: timestamp,
  cancelledAt: timestamp.nullish(),
  currencyCode: z.string().nullish(),
  totalPriceSet: amount.nullish(),
  // After edits, returns and refunds: https://shopify.dev/docs/api/admin-graphql/latest/objects/Order#field-currentTotalPriceSet
  currentTotalPriceSet: amount.nullish(),
  test: z.boolean().nullish(),
  customer: z.object({id: shopifyId}).nullish(),
});

const lineItemNode = z.object({
  id: shopifyId,
  quantity: z.number().int().nonnegative(),
  // What remains after edits and refunds: https://shopify.dev/docs/api/admin-graphql/latest/objects/LineItem#field-currentQuantity
  currentQuantity: z.number().int().nonnegative().nullish(),
  product: z.object({id: shopifyId}).nullish(),
  variant: z.object({id: shopifyId}).nullish(),
  originalUnitPriceSet: amount.nullish(),
  customAttributes: z.array(z.object({key: z.string(), value: z.string().nullish()})).nullish(),
  // https://shopify.dev/docs/api/admin-graphql/latest/objects/DiscountAllocation: the amount taken off the line
  // and the application it came from (an AutomaticDiscountApplication carries the discount's title).
  discountAllocations: z.array(z.object({
    allocatedAmountSet: amount,
    discountApplication: z.object({__typename: z.string(), title: z.string().nullish()}),
  })).max(500).nullish(),
});

/** Orders with their line items; the customer id is hashed with the shop's salt as the line is read. */
export function orderRecords(customerSalt: string): BulkRecords<Omit<OrderRecord, 'lines'>, OrderLineRecord, OrderRecord> {
  return {
    parentType: 'Order',
    parent(line) {
      const o = parsePayload(orderNode, line, 'bulk order');
      return {
        orderId: o.id,
        name: o.name ?? null,
        createdAt: o.createdAt,
        updatedAt: o.updatedAt,
        cancelledAt: o.cancelledAt ?? null,
        currency: o.currencyCode ?? null,
        totalPrice: o.totalPriceSet?.shopMoney.amount ?? null,
        currentTotalPrice: o.currentTotalPriceSet?.shopMoney.amount ?? null,
        test: o.test ?? false,
        customerHash: o.customer ? customerHash(customerSalt, o.customer.id) : null,
        source: 'backfill',
      };
    },
    child(line) {
      const l = parsePayload(lineItemNode, line, 'bulk line item');
      const attribution = parseAttribution(l.customAttributes?.find((a) => a.key === '_pairwise')?.value);
      const quantity = l.currentQuantity ?? l.quantity;
      const allocations = (l.discountAllocations ?? []).map((a) => ({
        amount: a.allocatedAmountSet.shopMoney.amount,
        application: {automatic: a.discountApplication.__typename === 'AutomaticDiscountApplication', title: a.discountApplication.title ?? null},
      }));
      return {
        lineId: l.id,
        productId: l.product?.id ?? null,
        variantId: l.variant?.id ?? null,
        quantity,
        price: l.originalUnitPriceSet?.shopMoney.amount ?? null,
        pairwiseBlock: attribution?.block ?? null,
        pairwiseAnchor: attribution?.anchor ?? null,
        bundleDiscount: bundleDiscountOnLine(allocations, l.quantity, quantity),
      };
    },
    assemble: (order, lines) => ({...order, lines}),
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

// A variant line of PRODUCTS_BULK_QUERY (queries.ts cites the pages). `availableForSale` is what the query read
// before it read the stock facts: a line from an operation an earlier version started, resumed after a deploy.
const variantNode = z.object({
  id: shopifyId,
  price: money.nullish(),
  inventoryPolicy: z.string().nullish(),
  inventoryQuantity: z.number().int().nullish(),
  inventoryItem: z.object({id: shopifyId, tracked: z.boolean(), updatedAt: timestamp}).nullish(),
  availableForSale: z.boolean().nullish(),
});

type ProductFields = Omit<ProductRecord, 'available' | 'price'>;
type Variant = {price: number | null; stock: VariantStock; item: InventoryItemState | null; availableForSale: boolean | null};

/** A product with its variants' stock and their inventory items, stored as the webhooks store them (storeProduct). */
export interface BackfilledProduct {
  product: ProductRecord;
  stock: VariantStock[];
  items: InventoryItemState[];
}

/** Products with their variants, which decide the product's price and whether it can be bought. */
export const productRecords: BulkRecords<ProductFields, Variant, BackfilledProduct> = {
  parentType: 'Product',
  parent(line) {
    const p = parsePayload(productNode, line, 'bulk product');
    return {
      productId: p.id,
      title: p.title,
      handle: p.handle,
      status: p.status,
      productType: p.productType ?? '',
      vendor: p.vendor ?? '',
      tags: (p.tags ?? []).join(', '),
      description: p.description ?? '',
      imageUrl: p.featuredMedia?.preview?.image?.url ?? null,
      giftCard: p.isGiftCard ?? false,
      createdAt: p.createdAt ?? null,
      updatedAt: p.updatedAt,
    };
  },
  child(line) {
    const v = parsePayload(variantNode, line, 'bulk variant');
    return {
      price: v.price ?? null,
      // The webhooks' words: inventory_policy 'deny' | 'continue'.
      stock: {variantId: v.id, inventoryItemId: v.inventoryItem?.id ?? null, inventoryQuantity: v.inventoryQuantity ?? null, inventoryPolicy: v.inventoryPolicy?.toLowerCase() ?? null},
      item: v.inventoryItem ?? null,
      availableForSale: v.availableForSale ?? null,
    };
  },
  assemble: (product, variants) => ({
    // What the variants alone show, as productFromWebhook reads a payload; the stored rows decide the rest.
    product: {
      ...product,
      available: variants.some((v) => v.availableForSale === true || v.stock.inventoryPolicy === 'continue' || (v.stock.inventoryQuantity ?? 0) > 0),
      price: lowestPrice(variants),
    },
    stock: variants.map((v) => v.stock),
    items: variants.flatMap((v) => (v.item ? [v.item] : [])),
  }),
};
