/** A storefront cart as Shopify's Ajax Cart API shows it, one per browser (cookie), for the preview store. */
import {randomBytes} from 'node:crypto';
import type {Catalog} from './catalog';
import {discountCart} from './cart-discounts';
import type {CartDiscounts, StorefrontDiscount} from './cart-discounts';
import type {StoreOrder} from '../store-generator';
import type {LiquidCartItem} from './liquid';

export interface CartLine {
  key: string;
  variantId: number;
  productId: number;
  quantity: number;
  properties: Record<string, string>;
}

export interface AddRequest {
  id: number;
  quantity: number;
  properties: Record<string, string>;
}

/** A refusal the Ajax API answers with `{status, message, description}`. */
export class CartError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
  }
}

/**
 * Groups `items[][id]`, `items[][quantity]`, `items[][properties][x]` form fields into items the way Rack does:
 * a field starts a new item when the current one already has it.
 */
export function parseItemsForm(form: URLSearchParams): AddRequest[] {
  const items: Record<string, string>[] = [];
  for (const [name, value] of form) {
    const match = /^items\[\]\[([^\]]+)\](?:\[([^\]]+)\])?$/.exec(name);
    if (!match) continue;
    const field = match[2] ? `${match[1]}.${match[2]}` : match[1];
    const last = items.at(-1);
    if (last && !(field in last)) last[field] = value;
    else items.push({[field]: value});
  }
  if (!items.length && form.has('id')) {
    const single: Record<string, string> = {id: form.get('id')!, quantity: form.get('quantity') ?? '1'};
    for (const [name, value] of form) {
      const prop = /^properties\[([^\]]+)\]$/.exec(name);
      if (prop) single[`properties.${prop[1]}`] = value;
    }
    items.push(single);
  }
  return items.map(toAddRequest);
}

function toAddRequest(fields: Record<string, string>): AddRequest {
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (k.startsWith('properties.')) properties[k.slice(11)] = v;
  return {id: Number(fields.id), quantity: fields.quantity === undefined ? 1 : Number(fields.quantity), properties};
}

/** Reads the JSON body of `/cart/add.js`: `{items: [...]}` or a single `{id, quantity, properties}`. */
export function parseAddJson(body: {items?: unknown[]; id?: unknown; quantity?: unknown; properties?: unknown}): AddRequest[] {
  const raw = Array.isArray(body.items) ? body.items : [body];
  return raw.map((item) => {
    const i = item as {id?: unknown; quantity?: unknown; properties?: Record<string, unknown>};
    const properties = Object.fromEntries(Object.entries(i.properties ?? {}).map(([k, v]) => [k, String(v)]));
    return {id: Number(i.id), quantity: i.quantity === undefined ? 1 : Number(i.quantity), properties};
  });
}

export class Cart {
  readonly token = randomBytes(8).toString('hex');
  lines: CartLine[] = [];
  /** Cart attributes (`/cart/update.js`), which Shopify copies into the order's `note_attributes`. */
  attributes: Record<string, string> = {};

  constructor(
    private readonly catalog: Catalog,
    /** The shop's automatic app discounts, read on every cart view so a change in the admin shows at once. */
    private readonly discounts: () => StorefrontDiscount[] = () => [],
  ) {}

  /** The app's Discount Function run on the cart as it is now (Shopify runs it on every cart change). */
  discounted(): CartDiscounts {
    const lines = this.lines.map((l) => ({productId: l.productId, quantity: l.quantity, price: this.catalog.byVariant.get(l.variantId)!.price}));
    return discountCart(lines, this.catalog, this.discounts());
  }

  /** Adds all items or none, as Shopify does; returns the lines that were added or increased. */
  add(requests: AddRequest[]): CartLine[] {
    if (!requests.length) throw new CartError(422, 'Parameter Missing or Invalid: items');
    for (const r of requests) {
      const product = this.catalog.byVariant.get(r.id);
      if (!Number.isInteger(r.id) || !product) throw new CartError(404, 'Cannot find variant');
      if (!Number.isInteger(r.quantity) || r.quantity < 1) throw new CartError(422, 'Quantity must be at least 1');
      if (!this.catalog.variantById(product, r.id)?.available) throw new CartError(422, `${product.title} is already sold out.`);
    }
    return requests.map((r) => {
      const key = `${r.id}:${Object.entries(r.properties).sort().join('&')}`;
      const line = this.lines.find((l) => l.key === key);
      if (line) {
        line.quantity += r.quantity;
        return line;
      }
      const added = {key, variantId: r.id, productId: this.catalog.byVariant.get(r.id)!.id, quantity: r.quantity, properties: r.properties};
      this.lines.push(added);
      return added;
    });
  }

  /** `/cart/change`: sets a line's quantity by 1-based `line` or by `id` (line key or variant id); 0 removes it. */
  change(by: {line?: number; id?: string | number}, quantity: number): void {
    const index = by.line
      ? by.line - 1
      : this.lines.findIndex((l) => l.key === String(by.id) || l.variantId === Number(by.id));
    if (index < 0 || index >= this.lines.length) throw new CartError(400, 'no valid id or line parameter');
    if (!Number.isInteger(quantity) || quantity < 0) throw new CartError(422, 'Quantity must be 0 or more');
    if (quantity === 0) this.lines.splice(index, 1);
    else this.lines[index].quantity = quantity;
  }

  /**
   * `/cart/update.js` attributes: merged into the cart's, a key set to "" is removed, as
   * https://shopify.dev/docs/api/ajax/reference/cart#update-cart-attributes documents.
   */
  updateAttributes(attributes: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(attributes)) {
      const text = value === null || value === undefined ? '' : String(value);
      if (text === '') delete this.attributes[key];
      else this.attributes[key] = text;
    }
  }

  /**
   * Checkout: the order this cart becomes, with the discounts the function gave at this moment (the shapes
   * `orderPayload` turns into the webhook's `discount_applications` and line `discount_allocations`).
   */
  toOrder(o: {id: number; name: string; at: string; currency: string; firstLineId: number}): StoreOrder {
    const discounts = this.discounted();
    return {
      id: o.id, name: o.name, createdAt: o.at, updatedAt: o.at, cancelledAt: null, customerId: null, currency: o.currency,
      discountApplications: discounts.applications.map((a) => ({title: a.title, description: a.message, value: a.percentage.toFixed(1), valueType: 'percentage'})),
      lines: this.lines.map((l, i) => {
        const product = this.catalog.byVariant.get(l.variantId)!;
        return {
          id: o.firstLineId + i, productId: l.productId, variantId: l.variantId, title: product.title, quantity: l.quantity,
          price: (product.price / 100).toFixed(2),
          properties: Object.entries(l.properties).map(([name, value]) => ({name, value})),
          discountAllocations: discounts.lines[i].map((a) => ({amount: (a.amount / 100).toFixed(2), applicationIndex: a.application})),
        };
      }),
    };
  }

  /** The attributes as an order webhook carries them: `note_attributes`, a list of `{name, value}`. */
  noteAttributes(): {name: string; value: string}[] {
    return Object.entries(this.attributes).map(([name, value]) => ({name, value}));
  }

  ajaxLine(line: CartLine) {
    const product = this.catalog.byVariant.get(line.variantId)!;
    const variant = this.catalog.variantById(product, line.variantId)!;
    const price = variant.price;
    return {
      id: line.variantId,
      key: line.key,
      variant_id: line.variantId,
      product_id: line.productId,
      title: variant.title === 'Default Title' ? product.title : `${product.title} - ${variant.title}`,
      product_title: product.title,
      variant_title: variant.title === 'Default Title' ? null : variant.title,
      handle: product.handle,
      url: `/products/${product.handle}`,
      quantity: line.quantity,
      price,
      line_price: price * line.quantity,
      properties: line.properties,
    };
  }

  /**
   * The `/cart.js` body, with the discount fields of https://shopify.dev/docs/api/ajax/reference/cart: per item
   * `original_line_price`, `final_price`, `final_line_price`, `line_level_total_discount`, `discounts` and
   * `line_level_discount_allocations` (each with its `discount_application`); per cart `original_total_price`,
   * `total_discount`, `items_subtotal_price` and `total_price` net of the discounts.
   */
  ajax(currency: string) {
    const discounts = this.discounted();
    const applications = discounts.applications.map((a, i) => ({
      type: 'automatic',
      key: `${a.discountId}`,
      title: a.message,
      description: a.title,
      value: a.percentage.toFixed(1),
      value_type: 'percentage',
      allocation_method: 'each',
      target_selection: 'explicit',
      target_type: 'line_item',
      total_allocated_amount: discounts.lines.flat().filter((x) => x.application === i).reduce((n, x) => n + x.amount, 0),
    }));
    const items = this.lines.map((l, i) => {
      const line = this.ajaxLine(l);
      const allocations = discounts.lines[i];
      const off = allocations.reduce((n, a) => n + a.amount, 0);
      return {
        ...line,
        original_price: line.price,
        original_line_price: line.line_price,
        final_line_price: line.line_price - off,
        final_price: Math.round((line.line_price - off) / line.quantity),
        discounted_price: Math.round((line.line_price - off) / line.quantity),
        total_discount: off,
        line_level_total_discount: off,
        discounts: allocations.map((a) => ({amount: a.amount, title: applications[a.application].title})),
        line_level_discount_allocations: allocations.map((a) => ({amount: a.amount, discount_application: applications[a.application]})),
      };
    });
    const original = items.reduce((n, i) => n + i.original_line_price, 0);
    const total = items.reduce((n, i) => n + i.final_line_price, 0);
    return {
      token: this.token,
      item_count: items.reduce((n, i) => n + i.quantity, 0),
      original_total_price: original,
      items_subtotal_price: total,
      total_discount: original - total,
      total_price: total,
      cart_level_discount_applications: [],
      currency,
      attributes: {...this.attributes},
      items,
    };
  }

  /** The Liquid `cart` object. */
  liquid(): {items: LiquidCartItem[]; item_count: number; total_price: number; original_total_price: number; total_discount: number} {
    const items = this.lines.map((l) => {
      const product = this.catalog.byVariant.get(l.variantId)!;
      return {product_id: l.productId, variant_id: l.variantId, quantity: l.quantity, product: this.catalog.liquidProduct(product), original_price: this.ajaxLine(l).price};
    });
    const lines = this.lines.map((l) => this.ajaxLine(l));
    const original = lines.reduce((n, i) => n + i.line_price, 0);
    const discount = this.discounted().lines.flat().reduce((n, a) => n + a.amount, 0);
    return {items, item_count: lines.reduce((n, i) => n + i.quantity, 0), total_price: original - discount, original_total_price: original, total_discount: discount};
  }
}
