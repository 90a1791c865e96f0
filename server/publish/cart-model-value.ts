import {unshowableReason} from '../recommend/companions';
import type {ModelLists} from '../recommend/model-cache';
import type {ShopFacts} from '../recommend/storefront';

/**
 * Key of the app-owned product metafield (namespace `$app`, type json, storefront `public_read`, declared in
 * shopify.app.toml) that carries one product's part of the cart model to the checkout UI extension
 * (extensions/pairwise-checkout), which reads it through the Storefront API and so never calls our server.
 * https://shopify.dev/docs/apps/build/custom-data/ownership ,
 * https://shopify.dev/docs/api/checkout-ui-extensions/latest/target-apis/platform-apis/storefront-api
 */
export const CART_MODEL_KEY = 'cart_model';

/**
 * What a product gives a cart it is in, as the extension scores it (extensions/pairwise-checkout/src/cart-model.ts
 * reads this shape): the cart model's weights to other products in the model's order (at most 100, cart.csv's
 * bound), the merchant's pins and pair exclusions for it, and the cart upsell's price ratio. Ids are decimal
 * strings so that none passes through a JS number on the way. What only the merchant decides (an excluded
 * product, type, vendor or tag) is applied here; what changes with stock and price (sold out, gift card, $0,
 * the price cap) is checked live by the extension, with the same rule as the server's cart upsell.
 */
export interface CartModelValue {
  weights: [string, number][];
  pins: string[];
  excluded: string[];
  priceRatio: number;
}

/**
 * The product's cart-model value, or null when it has neither weights nor pins to give. A companion is left
 * out when the server's rule would refuse it whatever its stock and price: checked as if it were on sale, so
 * that only the merchant's reasons remain (the live facts are the extension's to check).
 */
export function cartModelValue(facts: ShopFacts, model: ModelLists, productId: number): CartModelValue | null {
  const rules = {settings: facts.settings, excluded: facts.productExcluded};
  const merchantAllows = (id: number) => {
    const p = facts.product(id);
    return p !== undefined && unshowableReason(id, {...p, status: 'active', available: true, giftCard: false, price: 1}, rules) === null;
  };
  const weights = (model.cart.get(productId) ?? []).filter((w) => merchantAllows(w.id)).map((w): [string, number] => [String(w.id), w.weight]);
  const pins = facts.pins(productId).filter(merchantAllows).map(String);
  if (weights.length === 0 && pins.length === 0) return null;
  return {weights, pins, excluded: facts.pairExcluded(productId).map(String), priceRatio: facts.settings.upsellPriceRatio};
}
