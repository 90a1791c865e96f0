/**
 * The preview storefront's checkout: an order placed through the cart (its attributes become the order's
 * `note_attributes`) or by "Buy it now" on a product page (straight to checkout, no cart, so no attributes, as
 * Shopify's dynamic checkout buttons do), sent to the app as a signed orders/create carrying the checkout's token
 * (`checkout_token`: https://shopify.dev/docs/api/admin-rest/latest/resources/order), then the Thank you page,
 * where the web pixel sandbox (pixel-sandbox.js) publishes `checkout_completed` with the documented Checkout
 * (`token` = the order's checkout_token, `order.id`, `attributes`, `lineItems`, `totalPrice`):
 * https://shopify.dev/docs/api/web-pixels-api/standard-events/checkout_completed
 */
import {randomBytes} from 'node:crypto';
import type {StoreOrder} from '../store-generator';
import {orderPayload, sendWebhook, signedWebhook} from '../webhooks';
import type {Catalog} from './catalog';

export interface CheckoutOptions {
  /** Where orders/create goes (the app's `/webhooks`), signed with `secret`, for the storefront's `shop`. */
  webhookUrl: string;
  secret: string;
  /** The first order id; each order takes the next. Default 7,000,000,000. */
  firstOrderId?: number;
}

/** The checkout_completed event's `data.checkout`, the subset of the documented Checkout the preview fills. */
export interface PixelCheckout {
  token: string;
  order: {id: string; customer: null};
  attributes: {key: string; value: string}[];
  currencyCode: string;
  totalPrice: {amount: number; currencyCode: string};
  lineItems: {id: string; quantity: number; title: string; variant: {id: string; price: {amount: number; currencyCode: string}; product: {id: string; title: string}}}[];
}

/** Completed checkouts kept for their Thank you page; the oldest go past this many. */
const KEPT_CHECKOUTS = 1000;

export class Checkouts {
  private nextOrderId: number;
  private readonly done = new Map<string, PixelCheckout>();

  constructor(
    private readonly opts: CheckoutOptions,
    private readonly shop: string,
    private readonly catalog: Catalog,
  ) {
    this.nextOrderId = opts.firstOrderId ?? 7_000_000_000;
  }

  /** "Buy it now": one line of one variant, no cart and so no cart attributes. */
  buyNow(variantId: number, quantity: number, currency: string): Promise<PixelCheckout> {
    const product = this.catalog.byVariant.get(variantId);
    const variant = product && this.catalog.variantById(product, variantId);
    if (!product || !variant || !Number.isInteger(quantity) || quantity < 1) throw new Error('no such variant');
    const id = this.nextOrderId++;
    const at = new Date().toISOString();
    const order: StoreOrder = {
      id, name: `#P${id}`, createdAt: at, updatedAt: at, cancelledAt: null, customerId: null, currency,
      lines: [{id: id * 10, productId: product.id, variantId, title: product.title, quantity, price: (variant.price / 100).toFixed(2), properties: []}],
    };
    return this.complete(order, []);
  }

  /** Checkout of a cart: `toOrder` builds its lines; the attributes travel as note_attributes. */
  fromCart(toOrder: (o: {id: number; name: string; at: string; currency: string; firstLineId: number}) => StoreOrder, attributes: {name: string; value: string}[], currency: string): Promise<PixelCheckout> {
    const id = this.nextOrderId++;
    return this.complete(toOrder({id, name: `#P${id}`, at: new Date().toISOString(), currency, firstLineId: id * 10}), attributes);
  }

  get(token: string): PixelCheckout | undefined {
    return this.done.get(token);
  }

  private async complete(order: StoreOrder, attributes: {name: string; value: string}[]): Promise<PixelCheckout> {
    const token = randomBytes(16).toString('hex');
    const body = orderPayload(order, {note_attributes: attributes, checkout_token: token});
    const res = await sendWebhook(this.opts.webhookUrl, signedWebhook({topic: 'orders/create', shop: this.shop, secret: this.opts.secret, body}));
    if (res.status !== 200) throw new Error(`orders/create answered ${res.status}`);
    const money = (amount: number) => ({amount, currencyCode: order.currency});
    const checkout: PixelCheckout = {
      token,
      order: {id: String(order.id), customer: null},
      attributes: attributes.map((a) => ({key: a.name, value: a.value})),
      currencyCode: order.currency,
      totalPrice: money(Number(body.total_price)),
      lineItems: order.lines.map((l) => ({
        id: String(l.id), quantity: l.quantity, title: l.title,
        variant: {id: String(l.variantId), price: money(Number(l.price)), product: {id: String(l.productId), title: l.title}},
      })),
    };
    this.done.set(token, checkout);
    if (this.done.size > KEPT_CHECKOUTS) this.done.delete(this.done.keys().next().value!);
    return checkout;
  }
}
