/**
 * Webhooks exactly as Shopify delivers them, for tests and the demo.
 * Headers and signature: https://shopify.dev/docs/apps/build/webhooks/subscribe/https (X-Shopify-Topic,
 * X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw body keyed with the app's client secret,
 * X-Shopify-Shop-Domain, X-Shopify-Webhook-Id, X-Shopify-API-Version, X-Shopify-Triggered-At, X-Shopify-Event-Id).
 * Payloads: the REST resources of https://shopify.dev/docs/api/webhooks (orders/create|updated|cancelled carry the
 * whole Order, products/create|update the whole Product, refunds/create the Refund, inventory_items/create|update
 * the InventoryItem), in their 2026-10 shapes, trimmed to realistic but fake values.
 */
import {createHmac, randomUUID} from 'node:crypto';
import {isTracked} from './store-generator';
import type {StoreOrder, StoreProduct} from './store-generator';

export const WEBHOOK_API_VERSION = '2026-10';

export interface SignedWebhook {
  headers: Record<string, string>;
  /** The raw body, byte for byte what was signed. */
  body: string;
}

export interface SignedWebhookOptions {
  topic: string;
  shop: string;
  /** An object is serialised with JSON.stringify; a string is sent as is (for broken bodies). */
  body: unknown;
  secret: string;
  webhookId?: string;
  apiVersion?: string;
  triggeredAt?: Date;
}

/** The base64 HMAC-SHA256 Shopify puts in X-Shopify-Hmac-Sha256. */
export function webhookHmac(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** A webhook delivery signed with the app secret, ready to POST. */
export function signedWebhook(opts: SignedWebhookOptions): SignedWebhook {
  const body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  return {
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': opts.topic,
      'X-Shopify-Hmac-Sha256': webhookHmac(body, opts.secret),
      'X-Shopify-Shop-Domain': opts.shop,
      'X-Shopify-Webhook-Id': opts.webhookId ?? randomUUID(),
      'X-Shopify-API-Version': opts.apiVersion ?? WEBHOOK_API_VERSION,
      'X-Shopify-Triggered-At': (opts.triggeredAt ?? new Date()).toISOString(),
      'X-Shopify-Event-Id': randomUUID(),
    },
    body,
  };
}

/** POSTs a signed webhook the way Shopify does (no redirects followed). */
export function sendWebhook(url: string, signed: SignedWebhook): Promise<Response> {
  return fetch(url, {method: 'POST', headers: signed.headers, body: signed.body, redirect: 'manual'});
}

const money = (amount: string, currency: string) => ({
  shop_money: {amount, currency_code: currency},
  presentment_money: {amount, currency_code: currency},
});

/** Sum of price * quantity as Shopify's two-decimal money string. */
function total(order: StoreOrder): string {
  const cents = order.lines.reduce((sum, l) => sum + Math.round(Number(l.price) * 100) * l.quantity, 0);
  return (cents / 100).toFixed(2);
}

/** Sum of the lines' discount allocations, in the same money string. */
function discountTotal(order: StoreOrder): string {
  const cents = order.lines.reduce((sum, l) => sum + (l.discountAllocations ?? []).reduce((n, a) => n + Math.round(Number(a.amount) * 100), 0), 0);
  return (cents / 100).toFixed(2);
}

/**
 * The REST Order payload of orders/create, orders/updated and orders/cancelled. Discounts follow the Order
 * resource (https://shopify.dev/docs/api/admin-rest/latest/resources/order): `discount_applications` (type
 * `automatic` with title, description, value, value_type, allocation_method, target_selection, target_type) and
 * each line's `discount_allocations` ({amount, amount_set, discount_application_index}); `total_discounts` and
 * the subtotal and totals are net of them, `total_line_items_price` is not.
 */
export function orderPayload(order: StoreOrder, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const number = Number(order.name.replace(/\D/g, '')) || 1001;
  const gross = total(order);
  const discounts = discountTotal(order);
  const amount = (Math.round(Number(gross) * 100 - Number(discounts) * 100) / 100).toFixed(2);
  const customer = order.customerId === null ? null : {
    id: order.customerId,
    email: `customer${order.customerId % 100_000}@example.com`,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    first_name: 'Sam',
    last_name: `Customer ${order.customerId % 1000}`,
    state: 'enabled',
    verified_email: true,
    currency: order.currency,
    admin_graphql_api_id: `gid://shopify/Customer/${order.customerId}`,
  };
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    app_id: 580111,
    buyer_accepts_marketing: false,
    cancel_reason: order.cancelledAt ? 'customer' : null,
    cancelled_at: order.cancelledAt,
    confirmed: true,
    contact_email: customer?.email ?? null,
    created_at: order.createdAt,
    currency: order.currency,
    current_subtotal_price: amount,
    current_total_price: amount,
    email: customer?.email ?? '',
    financial_status: order.cancelledAt ? 'voided' : 'paid',
    fulfillment_status: null,
    name: order.name,
    note: null,
    note_attributes: [],
    number: number - 1000,
    order_number: number,
    presentment_currency: order.currency,
    processed_at: order.createdAt,
    source_name: 'web',
    subtotal_price: amount,
    subtotal_price_set: money(amount, order.currency),
    tags: '',
    test: false,
    total_discounts: discounts,
    total_discounts_set: money(discounts, order.currency),
    total_line_items_price: gross,
    total_price: amount,
    total_price_set: money(amount, order.currency),
    total_tax: '0.00',
    updated_at: order.updatedAt,
    customer,
    // current_quantity: what remains after edits and refunds; the stand-in's orders start unedited.
    // https://shopify.dev/docs/api/admin-rest/latest/resources/order
    line_items: order.lines.map((l) => ({
      id: l.id,
      current_quantity: l.quantity,
      admin_graphql_api_id: `gid://shopify/LineItem/${l.id}`,
      fulfillable_quantity: order.cancelledAt ? 0 : l.quantity,
      fulfillment_service: 'manual',
      fulfillment_status: null,
      gift_card: l.title.startsWith('Gift Card'),
      grams: 200,
      name: l.title,
      price: l.price,
      price_set: money(l.price, order.currency),
      product_exists: l.productId !== null,
      product_id: l.productId,
      properties: l.properties ?? [],
      quantity: l.quantity,
      requires_shipping: true,
      sku: l.variantId === null ? '' : `SKU-${l.variantId % 1_000_000}`,
      taxable: true,
      title: l.title,
      total_discount: lineDiscount(l),
      total_discount_set: money(lineDiscount(l), order.currency),
      variant_id: l.variantId,
      variant_title: null,
      vendor: null,
      tax_lines: [],
      discount_allocations: (l.discountAllocations ?? []).map((a) => ({
        amount: a.amount,
        amount_set: money(a.amount, order.currency),
        discount_application_index: a.applicationIndex,
      })),
      duties: [],
    })),
    shipping_lines: [],
    discount_applications: (order.discountApplications ?? []).map((a) => ({
      type: 'automatic',
      title: a.title,
      description: a.description,
      value: a.value,
      value_type: a.valueType,
      allocation_method: 'each',
      target_selection: 'explicit',
      target_type: 'line_item',
    })),
    discount_codes: [],
    refunds: [],
    fulfillments: [],
    ...overrides,
  };
}

function lineDiscount(line: StoreOrder['lines'][number]): string {
  return ((line.discountAllocations ?? []).reduce((n, a) => n + Math.round(Number(a.amount) * 100), 0) / 100).toFixed(2);
}

/** Where a product's placeholder image lives; the stand-in serves `<origin>/cdn/products/<handle>.svg`. */
export type ImageUrl = (p: StoreProduct) => string;
const defaultImageUrl: ImageUrl = (p) => `https://cdn.shopify.com/s/files/1/0000/0001/files/${p.handle}.svg`;

/** The REST Product payload of products/create and products/update (one default variant). */
export function productPayload(p: StoreProduct, overrides: Record<string, unknown> = {}, imageUrl: ImageUrl = defaultImageUrl): Record<string, unknown> {
  const imageId = 30_000_000_000_000 + (p.id % 10_000_000);
  const image = p.hasImage ? {
    id: imageId,
    admin_graphql_api_id: `gid://shopify/ProductImage/${imageId}`,
    product_id: p.id,
    position: 1,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    alt: p.title,
    width: 600,
    height: 600,
    src: imageUrl(p),
    variant_ids: [],
  } : null;
  return {
    id: p.id,
    admin_graphql_api_id: `gid://shopify/Product/${p.id}`,
    body_html: `<p>${escapeHtml(p.description)}</p>`,
    created_at: p.createdAt,
    handle: p.handle,
    product_type: p.productType,
    published_at: p.status === 'active' ? p.createdAt : null,
    published_scope: 'global',
    status: p.status,
    tags: p.tags.join(', '),
    template_suffix: null,
    title: p.title,
    updated_at: p.updatedAt,
    vendor: p.vendor,
    variants: [{
      id: p.variantId,
      admin_graphql_api_id: `gid://shopify/ProductVariant/${p.variantId}`,
      product_id: p.id,
      title: 'Default Title',
      price: p.price,
      compare_at_price: null,
      sku: `SKU-${p.variantId % 1_000_000}`,
      position: 1,
      // No inventory_management since 2024-07: whether stock is tracked is the inventory item's (inventoryItemPayload).
      inventory_policy: p.inventoryPolicy ?? 'deny',
      inventory_item_id: inventoryItemId(p),
      inventory_quantity: p.inventory,
      old_inventory_quantity: p.inventory,
      option1: 'Default Title',
      option2: null,
      option3: null,
      taxable: !p.giftCard,
      requires_shipping: !p.giftCard,
      barcode: null,
      image_id: null,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    }],
    options: [{id: p.id + 1, product_id: p.id, name: 'Title', position: 1, values: ['Default Title']}],
    images: image ? [image] : [],
    image,
    media: image ? [{id: imageId, media_content_type: 'IMAGE', position: 1, preview_image: {src: image.src, width: 600, height: 600}}] : [],
    ...overrides,
  };
}

/** The stand-in's inventory item of a product's one variant. */
export const inventoryItemId = (p: StoreProduct): number => 40_000_000_000_000 + (p.variantId % 10_000_000_000);

/**
 * The InventoryItem of inventory_items/create and inventory_items/update: the only word on whether a variant's
 * stock is tracked since product webhooks dropped `inventory_management` (2024-07) (isTracked: gift cards are not).
 * https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-inventory_items/update
 */
export function inventoryItemPayload(p: StoreProduct, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = inventoryItemId(p);
  return {
    id,
    sku: `SKU-${p.variantId % 1_000_000}`,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    requires_shipping: !p.giftCard,
    cost: null,
    country_code_of_origin: null,
    province_code_of_origin: null,
    harmonized_system_code: null,
    tracked: isTracked(p),
    country_harmonized_system_codes: [],
    admin_graphql_api_id: `gid://shopify/InventoryItem/${id}`,
    ...overrides,
  };
}

export interface RefundedLine {
  lineId: number;
  quantity: number;
}

/**
 * The Refund of refunds/create (and of an order's `refunds`): the lines taken back and one successful refund
 * transaction of their price. https://shopify.dev/docs/api/admin-rest/latest/resources/refund
 */
export function refundPayload(order: StoreOrder, refundId: number, lines: RefundedLine[], createdAt = order.updatedAt): Record<string, unknown> {
  const byId = new Map(order.lines.map((l) => [l.id, l]));
  const cents = lines.reduce((sum, r) => sum + Math.round(Number(byId.get(r.lineId)?.price ?? 0) * 100) * r.quantity, 0);
  const amount = (cents / 100).toFixed(2);
  return {
    id: refundId,
    order_id: order.id,
    created_at: createdAt,
    note: null,
    user_id: null,
    processed_at: createdAt,
    restock: true,
    duties: [],
    total_duties_set: money('0.00', order.currency),
    additional_fees: [],
    total_additional_fees_set: money('0.00', order.currency),
    return: null,
    admin_graphql_api_id: `gid://shopify/Refund/${refundId}`,
    refund_line_items: lines.map((r, i) => {
      const line = byId.get(r.lineId);
      const subtotal = ((Math.round(Number(line?.price ?? 0) * 100) * r.quantity) / 100).toFixed(2);
      return {
        id: refundId * 10 + i,
        quantity: r.quantity,
        line_item_id: r.lineId,
        location_id: null,
        restock_type: 'return',
        subtotal,
        total_tax: '0.00',
        subtotal_set: money(subtotal, order.currency),
        total_tax_set: money('0.00', order.currency),
      };
    }),
    transactions: [{
      id: refundId * 10,
      order_id: order.id,
      kind: 'refund',
      gateway: 'bogus',
      status: 'success',
      message: 'Bogus Gateway: Forced success',
      created_at: createdAt,
      test: false,
      authorization: null,
      parent_id: null,
      processed_at: createdAt,
      source_name: 'web',
      amount,
      currency: order.currency,
      admin_graphql_api_id: `gid://shopify/OrderTransaction/${refundId * 10}`,
    }],
    order_adjustments: [],
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
