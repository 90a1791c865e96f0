import {createHash} from 'node:crypto';
import {z} from 'zod';
import {bundleDiscountOnLine} from '../../domain/bundle-discount';
import type {OrderDiscountApplication} from '../../domain/bundle-discount';
import {ordersRepo} from '../../storage/repos/orders';
import type {OrderLineRecord, OrderRecord} from '../../storage/repos/orders';
import {orderCheckout} from '../attribution/checkout-claims';
import {recordExperimentOrder} from './experiment-order';
import {refundsFromOrder, storeRefunds} from './refunds';
import type {ShopifyId} from '../../domain/shopify-id';
import {exactShopifyId, money, parsePayload, shopifyId, timestamp} from './payload';
import type {WebhookHandler} from './types';

/** Salted so the stored value identifies no one, yet customers/redact can still find that customer's orders. */
export function customerHash(salt: string, customerId: ShopifyId): string {
  return createHash('sha256').update(`${salt}:${customerId}`).digest('hex');
}

/** Parses the `_pairwise` property: "<block>:<anchor product id>" (set by the storefront blocks, the checkout UI extension's "Add", and its thank-you and order status links). */
export function parseAttribution(value: unknown): {block: string; anchor: number | null} | null {
  if (typeof value !== 'string') return null;
  const match = /^(fbt|cart|checkout|thank_you|order_status):(\d*)$/.exec(value);
  if (!match) return null;
  // The shopper's cart can carry any text here: an anchor that is not an exact id is dropped, never rounded onto another.
  const anchor = match[2] ? Number(match[2]) : null;
  return {block: match[1], anchor: anchor !== null && Number.isSafeInteger(anchor) && anchor > 0 ? anchor : null};
}

// Only the fields we keep; Shopify's order payload has many more (and personal data we never read).
// Order, line and customer ids are exact at any size SQLite stores; product and variant ids are refused past 2^53.
const lineItem = z.object({
  id: exactShopifyId,
  product_id: shopifyId.nullish(),
  variant_id: shopifyId.nullish(),
  quantity: z.number().int().nonnegative(),
  // What remains after order edits and refunds (https://shopify.dev/docs/api/admin-rest/latest/resources/order,
  // line_items.current_quantity); `quantity` stays what was first ordered. Absent in payloads from before it existed.
  current_quantity: z.number().int().nonnegative().nullish(),
  price: money.nullish(),
  properties: z.array(z.object({name: z.string(), value: z.unknown()})).nullish(),
  // The money each discount application took off the whole line, and which one (an index into the order's
  // `discount_applications`): same page, line_items.discount_allocations.
  discount_allocations: z.array(z.object({amount: money, discount_application_index: z.number().int().nonnegative()})).max(500).nullish(),
});

// type: automatic | discount_code | manual | script; an automatic one has the discount's title (same page).
const discountApplication = z.object({type: z.string(), title: z.string().nullish()});

const orderPayload = z.object({
  id: exactShopifyId,
  name: z.string().nullish(),
  created_at: timestamp,
  updated_at: timestamp.nullish(),
  cancelled_at: timestamp.nullish(),
  currency: z.string().nullish(),
  total_price: money.nullish(),
  // After edits, returns and refunds (same page: current_total_price).
  current_total_price: money.nullish(),
  // Placed with a test gateway or in a development store's test mode (same page: test).
  test: z.boolean().nullish(),
  customer: z.object({id: exactShopifyId}).nullish(),
  discount_applications: z.array(discountApplication).max(500).nullish(),
  // A line is stored under (order, line id): two lines with one id cannot both be kept, so the order is refused.
  line_items: z.array(lineItem).max(5000).superRefine((lines, ctx) => {
    const seen = new Set<ShopifyId>();
    for (const [i, l] of lines.entries()) {
      if (seen.has(l.id)) ctx.addIssue({code: 'custom', path: [i, 'id'], message: `line id ${l.id} appears twice`});
      seen.add(l.id);
    }
  }),
});

export function orderFromWebhook(payload: unknown, customerSalt: string): OrderRecord {
  const o = parsePayload(orderPayload, payload, 'order');
  const applications = (o.discount_applications ?? []).map((a): OrderDiscountApplication => ({automatic: a.type === 'automatic', title: a.title ?? null}));
  return {
    orderId: o.id,
    name: o.name ?? null,
    createdAt: o.created_at,
    updatedAt: o.updated_at ?? o.created_at,
    cancelledAt: o.cancelled_at ?? null,
    currency: o.currency ?? null,
    totalPrice: o.total_price ?? null,
    currentTotalPrice: o.current_total_price ?? null,
    test: o.test ?? false,
    customerHash: o.customer ? customerHash(customerSalt, o.customer.id) : null,
    source: 'webhook',
    lines: o.line_items.map((l): OrderLineRecord => {
      const attribution = parseAttribution(l.properties?.find((p) => p.name === '_pairwise')?.value);
      const quantity = l.current_quantity ?? l.quantity;
      const allocations = (l.discount_allocations ?? []).map((a) => ({amount: a.amount, application: applications[a.discount_application_index]}));
      return {
        lineId: l.id,
        productId: l.product_id ?? null,
        variantId: l.variant_id ?? null,
        quantity,
        price: l.price ?? null,
        pairwiseBlock: attribution?.block ?? null,
        pairwiseAnchor: attribution?.anchor ?? null,
        bundleDiscount: bundleDiscountOnLine(allocations, l.quantity, quantity),
      };
    }),
  };
}

// The checkout the order came from (same page: checkout_token), which the web pixel's checkout_completed names
// as `checkout.token`; absent on orders made in the admin or by API.
const checkoutToken = z.object({checkout_token: z.string().regex(/^[\w-]{1,100}$/).nullish()});

/**
 * orders/create, orders/updated, orders/cancelled: all carry the whole order; cancelled_at marks a cancel, and
 * its `refunds` are stored as refunds/create stores them (one row per refund id, whichever arrives first). The
 * experiment's visitor comes from the cart attributes, else from a web pixel claim for the same checkout.
 */
export const upsertOrder: WebhookHandler = (db, delivery) => {
  const order = orderFromWebhook(delivery.payload, delivery.customerSalt);
  const outcome = ordersRepo(db).upsert(order);
  storeRefunds(db, refundsFromOrder(delivery.payload));
  if (outcome === 'applied') {
    recordExperimentOrder(db, order.orderId, delivery.payload);
    const token = checkoutToken.safeParse(delivery.payload).data?.checkout_token;
    if (token) orderCheckout(db, order.orderId, token);
  }
  return {outcome, resourceId: order.orderId};
};

export const deleteOrder: WebhookHandler = (db, delivery) => {
  const {id} = parsePayload(z.object({id: exactShopifyId}), delivery.payload, 'orders/delete');
  ordersRepo(db).remove(id);
  return {outcome: 'applied', resourceId: id};
};
