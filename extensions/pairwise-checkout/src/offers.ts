import {chooseOffers, hasModel, rankForCart} from './cart-model';
import type {LiveProduct} from './cart-model';
import {fetchProducts, gidNumber} from './storefront';
import type {StorefrontProduct, StorefrontQuery} from './storefront';

/** Companions whose live facts are read per Storefront query: enough for a few offers when some are sold out. */
const LOOKAHEAD = 40;

/** A cart line as every target's `shopify.lines` gives it, reduced to what the ranking needs. */
export interface LineLike {
  merchandise: {product: {id: string}};
}

/**
 * The products to offer for these lines, best first, at most `limit`: the lines' products and their
 * `$app.cart_model` values from the Storefront API, ranked as the server's cart upsell ranks (cart-model.ts),
 * then the companions' live facts read in pages until `limit` are found or the ranking ends. Empty when no line
 * has a cart model, or when the Storefront API cannot be read.
 */
export async function offersFor(query: StorefrontQuery, lines: readonly LineLike[], limit: number): Promise<StorefrontProduct[]> {
  const cartIds = [...new Set(lines.map((l) => gidNumber(l.merchandise.product.id)))];
  if (cartIds.length === 0 || limit < 1) return [];
  const cart = await fetchProducts(query, cartIds, true);
  const products = cartIds.map((id) => ({id, model: cart.get(id)?.model ?? null}));
  if (!hasModel(products)) return [];
  const ranking = rankForCart(products);
  const cartPrices = cartIds.map((id) => cart.get(id)?.price ?? 0);
  const order = [...ranking.pins, ...ranking.ranked.map((r) => r.id)];
  const live = new Map<string, StorefrontProduct>();
  let offers: string[] = [];
  for (let i = 0; i < order.length && offers.length < limit; i += LOOKAHEAD) {
    for (const [id, p] of await fetchProducts(query, order.slice(i, i + LOOKAHEAD), false)) live.set(id, p);
    offers = chooseOffers(ranking, live as ReadonlyMap<string, LiveProduct>, cartPrices, limit);
  }
  return offers.map((id) => live.get(id)!).filter((p) => p.variantId !== null);
}
