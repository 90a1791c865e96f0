// @ts-check
/**
 * The bundle discount's configuration, as the app writes it into the discount's `$app.function-configuration`
 * JSON metafield (discountAutomaticAppCreate/Update `metafields`:
 * https://shopify.dev/docs/api/admin-graphql/latest/input-objects/DiscountAutomaticAppInput).
 * Anything missing or out of range reads as "no configuration", which gives no discount rather than an error:
 * a function that throws blocks nothing at checkout but logs a failure on every cart.
 */

/** @typedef {{percentage: number, scope: 'companions' | 'bundle', minimumItems: number, message: string}} BundleConfig */

export const PERCENTAGE_MIN = 1;
export const PERCENTAGE_MAX = 50;
export const MINIMUM_ITEMS_MIN = 2;
export const MINIMUM_ITEMS_MAX = 10;
export const MESSAGE_MAX = 255;

/**
 * @param {unknown} value the metafield's `jsonValue`
 * @returns {BundleConfig | null}
 */
export function readConfig(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const {percentage, scope, minimumItems, message} = /** @type {Record<string, unknown>} */ (value);
  if (!Number.isInteger(percentage) || Number(percentage) < PERCENTAGE_MIN || Number(percentage) > PERCENTAGE_MAX) return null;
  if (scope !== 'companions' && scope !== 'bundle') return null;
  if (!Number.isInteger(minimumItems) || Number(minimumItems) < MINIMUM_ITEMS_MIN || Number(minimumItems) > MINIMUM_ITEMS_MAX) return null;
  if (typeof message !== 'string' || !message.trim() || message.length > MESSAGE_MAX) return null;
  return {percentage: Number(percentage), scope, minimumItems: Number(minimumItems), message};
}
