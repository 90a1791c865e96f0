import {randomUUID} from 'node:crypto';
import {armFor} from '../domain/experiment';
import type {Arm} from '../domain/experiment';
import {seededRandom} from '../domain/random';
import type {StoreOrder} from '../devkit/store-generator';
import {orderPayload, sendWebhook, signedWebhook} from '../devkit/webhooks';

/**
 * Synthetic shoppers for the holdout experiment, through the preview storefront over plain HTTP: each is on a
 * product page that has the block, is assigned by the real assignment from the salt and share the page
 * rendered (domain/experiment.ts, the hash the snippet runs), is counted through the app proxy as the block's
 * script counts it, and some buy: cart add, cart attributes, then the order as Shopify's checkout would send
 * it, a signed orders/create whose note_attributes are the cart's attributes. The order is the preview cart's own
 * checkout (Cart.toOrder): it carries the bundle discount exactly as the app's Discount Function gave it on that
 * cart, and its totals are after it.
 *
 * The planted truth: a shopper who sees the block (exposed) and buys also adds the block's first companion
 * with probability 8% x anchor price / companion price, so exposed revenue per visitor is 8% higher in
 * expectation before any discount, with the same conversion; a held-out shopper never sees a companion. With the
 * bundle discount on, a cart holding a product and its published companion gets it, so part of that 8% goes
 * back to the shopper: what is left is what the experiment measures.
 *
 * Consent, as the storefront scripts handle it (README, "Consent, as Shopify loads it"): a share of shoppers
 * declines analytics; they see the block, are never counted and their cart carries no experiment attributes, so
 * their orders stay out of the experiment. The others allow it, but only once their first page has painted: that
 * page shows the block and counts nothing; they are counted from the next product page, where they may buy.
 */

export const PLANTED_RPV_UPLIFT = 0.08;
const BUY_PROBABILITY = 0.4;
export const DECLINE_SHARE = 0.2;

export interface ShopperOptions {
  storefront: string;
  webhooks: string;
  shop: string;
  secret: string;
  /** Handles of products whose page shows the block. */
  handles: string[];
  shoppers: number;
  seed: number;
  firstOrderId: number;
  currency: string;
  /**
   * Checkout of the preview cart with this token: the order it becomes and the cart attributes Shopify copies into
   * its note_attributes (PreviewStorefront.cartOf(token): toOrder, noteAttributes).
   */
  checkout(cartToken: string, order: {id: number; name: string; at: string; currency: string; firstLineId: number}): {order: StoreOrder; noteAttributes: {name: string; value: string}[]};
}

export interface ShopperTotals {
  /** Shoppers who declined analytics: shown the block, never counted, their orders outside the experiment. */
  declined: {shoppers: number; orders: number};
  visitors: Record<Arm, number>;
  orders: Record<Arm, number>;
  /** What the orders brought in, after the bundle discount. */
  revenue: Record<Arm, number>;
  /** The bundle discount the orders got, and how many got it. */
  discount: Record<Arm, number>;
  discountedOrders: Record<Arm, number>;
}

/** What a product page with the block tells the shopper's browser: the experiment and the block's rows. */
interface BlockPage {
  handle: string;
  period: number;
  salt: string;
  share: number;
  anchor: number;
  own: {variant: number; cents: number};
  companion: {variant: number; cents: number} | undefined;
}

/** A shopper's own IP (as Shopify's proxy forwards it, so each is a client of its own) and cart cookie. */
function client(storefront: string, shopper: number) {
  const ip = `10.${(shopper >> 16) & 255}.${(shopper >> 8) & 255}.${shopper & 255}`;
  let cookie = '';
  return async (path: string, body?: unknown): Promise<Response> => {
    for (;;) {
      const res = await fetch(`${storefront}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {cookie, 'X-Forwarded-For': ip, ...(body === undefined ? {} : {'content-type': 'application/json'})},
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0];
      // The demo squeezes days of traffic into seconds, so it waits out the shop's impression budget.
      if (res.status === 429) {
        await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
        continue;
      }
      if (!res.ok) throw new Error(`storefront ${path} answered ${res.status}`);
      return res;
    }
  };
}

/** Reads a product page the storefront rendered: null when it has no block or no running experiment. */
async function readPage(storefront: string, handle: string, shopper: number): Promise<BlockPage | null> {
  const html = await (await client(storefront, shopper)(`/products/${handle}`)).text();
  const script = /<script data-period="(\d+)" data-share="([\d.]+)" data-salt="([0-9a-f]*)">/.exec(html);
  const anchor = /<pairwise-bundle[^>]*data-anchor="(\d+)"/.exec(html);
  // The block's rows: the product itself first, then its companions.
  const rows = [...html.matchAll(/<li\s+class="pairwise-item"([^>]*)>/g)].map(([, attrs]) => ({
    variant: Number(/data-variant="(\d+)"/.exec(attrs)?.[1]),
    cents: Number(/data-price="(\d+)"/.exec(attrs)?.[1]),
    companion: /\sdata-companion\b/.test(attrs),
  }));
  const own = rows.find((r) => !r.companion);
  if (!script || !script[3] || !anchor || !own) return null;
  return {handle, period: Number(script[1]), share: Number(script[2]), salt: script[3], anchor: Number(anchor[1]), own, companion: rows.find((r) => r.companion)};
}

/**
 * One shopper: declines (one page, perhaps an order outside the experiment), or allows analytics after the first
 * page and is counted on the next one, perhaps with an order. `arm` is null for a shopper who declined.
 */
async function visit(opts: ShopperOptions, page: BlockPage, shopper: number, random: () => number, orderId: number): Promise<{arm: Arm | null; revenue: number; discount: number}> {
  const call = client(opts.storefront, shopper);
  const declines = random() < DECLINE_SHARE;
  // The first page sends nothing (consent was not known before it painted; the block shows), so it costs no request here.
  let visitor: string | null = null;
  let arm: Arm | null = null;
  if (!declines) {
    visitor = randomUUID();
    arm = armFor(page, visitor);
    await call('/apps/pairwise/experiment', {visitor, period: page.period});
  }
  if (random() >= BUY_PROBABILITY) return {arm, revenue: 0, discount: 0};

  const items: object[] = [{id: page.own.variant, quantity: 1}];
  if (arm !== 'holdout' && page.companion && random() < (PLANTED_RPV_UPLIFT * page.own.cents) / page.companion.cents) {
    items.push({id: page.companion.variant, quantity: 1, properties: {_pairwise: `fbt:${page.anchor}`}});
  }
  await call('/cart/add.js', {items});
  if (visitor && arm) await call('/cart/update.js', {attributes: {_pairwise_visitor: visitor, _pairwise_period: String(page.period), _pairwise_arm: arm}});
  const cart = (await (await call('/cart.js')).json()) as {token: string};
  const {order, noteAttributes} = opts.checkout(cart.token, {id: orderId, name: `#D${orderId}`, at: new Date().toISOString(), currency: opts.currency, firstLineId: orderId * 10});
  const payload = orderPayload(order, {note_attributes: noteAttributes});
  const res = await sendWebhook(opts.webhooks, signedWebhook({topic: 'orders/create', shop: opts.shop, secret: opts.secret, body: payload}));
  if (res.status !== 200) throw new Error(`orders/create for shopper ${shopper} answered ${res.status}`);
  return {arm, revenue: Number(payload.total_price), discount: Number(payload.total_discounts)};
}

/** Runs `tasks` 8 at a time. */
async function eightAtATime(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({length: 8}, async () => {
    while (next < count) await task(next++);
  }));
}

/**
 * Runs `shoppers` visits and returns what they did (for the demo to print beside the estimate). Each product
 * page is rendered once, as a new shopper with an empty cart sees it; each shopper then has its own id, IP,
 * cart and order. (Rendering every shopper's page would cost the demo a minute of Liquid.)
 */
export async function runShoppers(opts: ShopperOptions, onEach: () => void): Promise<ShopperTotals> {
  const random = seededRandom(opts.seed);
  const pages: BlockPage[] = [];
  await eightAtATime(opts.handles.length, async (i) => {
    const page = await readPage(opts.storefront, opts.handles[i], opts.shoppers + i);
    if (page) pages.push(page);
  });
  if (!pages.length) throw new Error('no product page shows the block with a running experiment');
  pages.sort((a, b) => a.handle.localeCompare(b.handle));
  const totals: ShopperTotals = {
    declined: {shoppers: 0, orders: 0}, visitors: {exposed: 0, holdout: 0}, orders: {exposed: 0, holdout: 0}, revenue: {exposed: 0, holdout: 0},
    discount: {exposed: 0, holdout: 0}, discountedOrders: {exposed: 0, holdout: 0},
  };
  await eightAtATime(opts.shoppers, async (shopper) => {
    const done = await visit(opts, pages[shopper % pages.length], shopper, random, opts.firstOrderId + shopper);
    onEach();
    if (done.arm === null) {
      totals.declined.shoppers++;
      if (done.revenue > 0) totals.declined.orders++;
      return;
    }
    totals.visitors[done.arm]++;
    if (done.revenue > 0) {
      totals.orders[done.arm]++;
      totals.revenue[done.arm] += done.revenue;
      totals.discount[done.arm] += done.discount;
      if (done.discount > 0) totals.discountedOrders[done.arm]++;
    }
  });
  return totals;
}
