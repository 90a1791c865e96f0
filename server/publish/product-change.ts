import {createHash} from 'node:crypto';

// What changed in one product's two metafields since the last publish: worked out on a read thread
// (server/reads/publish-changes.ts) and sent to Shopify by the event loop (metafields.ts).

const valueHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
const listHash = (ids: readonly number[]) => (ids.length ? valueHash(ids.join(',')) : '');

/** The block shows at most this many; the list holds a few spare for sold-out companions. */
export const METAFIELD_LIST_LENGTH = 10;

export const productGid = (id: number) => `gid://shopify/Product/${id}`;

/**
 * One product's change, as small as it can travel between threads: each metafield's new value (`$app.recommendations`
 * as its list.product_reference JSON, `$app.cart_model` as its json), null to delete it, absent when unchanged;
 * and the state hash to record once Shopify has them.
 */
export interface ProductChange {
  productId: number;
  hash: string;
  list?: string | null;
  cart?: string | null;
}

/**
 * The change of a product's metafields since the last publish, or null when neither changed. The recorded hash
 * is the list's, followed by `|` and the cart-model value's when there is one (a state written before the cart
 * model was published reads as a list with no cart value), so each half is sent only when it changed.
 */
export function productChange(productId: number, before: string | undefined, companions: readonly number[], cartJson: string | null): ProductChange | null {
  const [listBefore = '', cartBefore = ''] = (before ?? '').split('|');
  const list = listHash(companions);
  const cart = cartJson === null ? '' : valueHash(cartJson);
  if (list === listBefore && cart === cartBefore) return null;
  const change: ProductChange = {productId, hash: cart ? `${list}|${cart}` : list};
  if (list !== listBefore) change.list = list ? JSON.stringify(companions.map(productGid)) : null;
  if (cart !== cartBefore) change.cart = cartJson;
  return change;
}
