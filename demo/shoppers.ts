import {randomUUID} from 'node:crypto';
import {armFor} from '../domain/experiment';
import type {Arm} from '../domain/experiment';
import {seededRandom} from '../domain/random';

/**
 * Synthetic shoppers for the holdout experiment, through the preview storefront over plain HTTP: each is on a
 * product page that has the block, is assigned by the real assignment from the salt and share the page
 * rendered (domain/experiment.ts, the hash the snippet runs), is counted through the app proxy as the block's
 * script counts it, and some buy, through the storefront's own checkout, which sends the app the signed
 * orders/create: either through the cart (cart add, cart attributes, "Check out": the order's note_attributes
 * carry the visitor) or, for about 30% of buyers who take no companion, by "Buy it now" on the product page
 * (no cart, no attributes). On the Thank you page each consenting shopper's browser does what the web pixel does
 * (extensions/pairwise-pixel): it sends the checkout's token, order id, visitor and period to
 * /apps/pairwise/pixel, which is how a "Buy it now" order reaches its group. The order is the preview cart's own
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
/** Buyers who take no companion and check out by "Buy it now" instead of the cart. */
export const BUY_NOW_SHARE = 0.3;

export interface ShopperOptions {
  storefront: string;
  /** Handles of products whose page shows the block. */
  handles: string[];
  shoppers: number;
  seed: number;
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
  /** Orders placed by "Buy it now" (no cart attributes), by shoppers counted in a group. */
  buyNow: number;
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
  // A form (URLSearchParams) posts as the storefront's forms do; anything else as JSON, as the scripts do.
  return async (path: string, body?: unknown): Promise<Response> => {
    for (;;) {
      const form = body instanceof URLSearchParams;
      const res = await fetch(`${storefront}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {cookie, 'X-Forwarded-For': ip, ...(body === undefined ? {} : {'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json'})},
        body: body === undefined ? undefined : form ? body.toString() : JSON.stringify(body),
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
async function visit(opts: ShopperOptions, page: BlockPage, shopper: number, random: () => number): Promise<{arm: Arm | null; revenue: number; discount: number; buyNow: boolean}> {
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
  if (random() >= BUY_PROBABILITY) return {arm, revenue: 0, discount: 0, buyNow: false};

  const items: object[] = [{id: page.own.variant, quantity: 1}];
  if (arm !== 'holdout' && page.companion && random() < (PLANTED_RPV_UPLIFT * page.own.cents) / page.companion.cents) {
    items.push({id: page.companion.variant, quantity: 1, properties: {_pairwise: `fbt:${page.anchor}`}});
  }
  // Which way they check out changes nothing they pay: only a buyer without a companion may skip the cart.
  const buyNow = items.length === 1 && random() < BUY_NOW_SHARE;
  let revenue = page.own.cents / 100;
  let discount = 0;
  let thankYou: Response;
  if (buyNow) {
    thankYou = await call('/checkouts/buy-now', new URLSearchParams({id: String(page.own.variant), quantity: '1'}));
  } else {
    await call('/cart/add.js', {items});
    if (visitor && arm) await call('/cart/update.js', {attributes: {_pairwise_visitor: visitor, _pairwise_period: String(page.period), _pairwise_arm: arm}});
    // What the checkout will charge: the cart's total after the bundle discount the function gave it.
    const cart = (await (await call('/cart.js')).json()) as {total_price: number; total_discount: number};
    revenue = cart.total_price / 100;
    discount = cart.total_discount / 100;
    thankYou = await call('/cart', new URLSearchParams({checkout: ''}));
  }
  // The web pixel's checkout_completed, for a shopper with analytics consent (and so a kept id and period).
  if (visitor) {
    const events = /<script type="application\/json" id="pixel-events">(.*?)<\/script>/s.exec(await thankYou.text());
    if (!events) throw new Error(`shopper ${shopper}: the Thank you page has no checkout_completed`);
    const [{data}] = JSON.parse(events[1]) as {data: {checkout: {token: string; order: {id: string}}}}[];
    await call('/apps/pairwise/pixel', {checkout: data.checkout.token, order: data.checkout.order.id, visitor, period: page.period});
  }
  return {arm, revenue, discount, buyNow};
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
    discount: {exposed: 0, holdout: 0}, discountedOrders: {exposed: 0, holdout: 0}, buyNow: 0,
  };
  await eightAtATime(opts.shoppers, async (shopper) => {
    const done = await visit(opts, pages[shopper % pages.length], shopper, random);
    onEach();
    if (done.arm === null) {
      totals.declined.shoppers++;
      if (done.revenue > 0) totals.declined.orders++;
      return;
    }
    totals.visitors[done.arm]++;
    if (done.revenue > 0) {
      if (done.buyNow) totals.buyNow++;
      totals.orders[done.arm]++;
      totals.revenue[done.arm] += done.revenue;
      totals.discount[done.arm] += done.discount;
      if (done.discount > 0) totals.discountedOrders[done.arm]++;
    }
  });
  return totals;
}
