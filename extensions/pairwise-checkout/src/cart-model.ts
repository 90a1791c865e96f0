/**
 * The cart model in the buyer's browser: the same ranking the server's cart upsell gives a cart
 * (server/recommend/companions.ts, selectCompanions with block 'cart'), from what each product's `$app.cart_model`
 * metafield carries (server/publish/cart-model-value.ts writes it). Pure: no `shopify` global, no network, so it
 * is tested against the server's own scoring of the same carts. Product ids are decimal strings throughout.
 */

/** One product's `$app.cart_model` value. */
export interface CartModel {
  weights: [string, number][];
  pins: string[];
  excluded: string[];
  priceRatio: number;
}

/** What the Storefront API says of a product now; undefined when it is not published to the buyer's channel. */
export interface LiveProduct {
  availableForSale: boolean;
  isGiftCard: boolean;
  /** The lowest variant price, in the buyer's currency. */
  price: number;
}

/** The cart's products (each with its model, null when it has none) in the order of the lines. */
export interface CartProduct {
  id: string;
  model: CartModel | null;
}

/** The order to consider products in, before what the Storefront API says of them. */
export interface Ranking {
  /** The merchant's pins, in the order of the lines and of each product's pins: shown first, not price-capped. */
  pins: string[];
  /** The model's companions by summed weight, best first, ties by smaller id; only positive sums. */
  ranked: {id: string; score: number}[];
  priceRatio: number;
}

/** Numeric order of decimal id strings, exact for ids past 2^53. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Reads one metafield value, or null when it is missing or not the shape the server writes: a checkout must not
 * break on a value it does not understand (an older or newer publish), it just shows nothing for that product.
 */
export function parseCartModel(value: string | null | undefined): CartModel | null {
  if (!value) return null;
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    return null;
  }
  const m = v as Partial<CartModel> | null;
  const ids = (list: unknown): list is string[] => Array.isArray(list) && list.every((id) => typeof id === 'string' && /^\d+$/.test(id));
  if (!m || !ids(m.pins) || !ids(m.excluded) || typeof m.priceRatio !== 'number' || !Array.isArray(m.weights)) return null;
  const weightsOk = m.weights.every((w) => Array.isArray(w) && ids([w[0]]) && typeof w[1] === 'number' && Number.isFinite(w[1]));
  return weightsOk ? {weights: m.weights, pins: m.pins, excluded: m.excluded, priceRatio: m.priceRatio} : null;
}

/**
 * Scores the whole cart: each companion gets the sum of the weights the cart's products give it (summed in the
 * order of the lines, as the server does, so equal carts give equal sums to the last bit). Cart products, and
 * companions any cart product excludes, are left out; a pin is left out only by its own product's exclusions.
 */
export function rankForCart(cart: CartProduct[]): Ranking {
  const seen = new Set<string>();
  const products = cart.filter((p) => !seen.has(p.id) && seen.add(p.id));
  const inCart = new Set(products.map((p) => p.id));
  const pins: string[] = [];
  for (const p of products) {
    const blocked = new Set(p.model?.excluded ?? []);
    for (const id of p.model?.pins ?? []) if (!inCart.has(id) && !blocked.has(id) && !pins.includes(id)) pins.push(id);
  }
  const blocked = new Set(products.flatMap((p) => p.model?.excluded ?? []));
  const scores = new Map<string, number>();
  for (const p of products) for (const [id, weight] of p.model?.weights ?? []) scores.set(id, (scores.get(id) ?? 0) + weight);
  const ranked = [...scores]
    .filter(([id, score]) => score > 0 && !inCart.has(id) && !blocked.has(id) && !pins.includes(id))
    .map(([id, score]) => ({id, score}))
    .sort((a, b) => b.score - a.score || compareIds(a.id, b.id));
  const priceRatio = products.find((p) => p.model)?.model?.priceRatio ?? 1;
  return {pins, ranked, priceRatio};
}

/** Whether a buyer can buy the product at all: published, in stock, not a gift card, not free. */
export function isForSale(p: LiveProduct | undefined): p is LiveProduct {
  return p !== undefined && p.availableForSale && !p.isGiftCard && p.price > 0;
}

/**
 * The products to offer, best first, at most `limit`: pins that are for sale, then the model's companions that
 * are for sale and cost at most `priceRatio` times the dearest cart product (the upsell's cap; none when no
 * cart product has a price). `live` holds what the Storefront API said of each id asked for; an id not in it
 * is not shown.
 */
export function chooseOffers(ranking: Ranking, live: ReadonlyMap<string, LiveProduct>, cartPrices: number[], limit: number): string[] {
  const dearest = Math.max(0, ...cartPrices);
  const cap = dearest > 0 ? dearest * ranking.priceRatio : Infinity;
  const offers = ranking.pins.filter((id) => isForSale(live.get(id)));
  for (const {id} of ranking.ranked) {
    if (offers.length >= limit) break;
    const p = live.get(id);
    if (isForSale(p) && p.price <= cap) offers.push(id);
  }
  return offers.slice(0, limit);
}

/** Whether the cart model has anything to say about this cart (no metafield on any line: the extension renders nothing). */
export function hasModel(cart: CartProduct[]): boolean {
  return cart.some((p) => p.model !== null);
}
