/**
 * What the pixel sends for a completed checkout, as pure functions the tests run with the documented shapes.
 * The visitor id and period are the ones the storefront keeps while analytics consent stands
 * (extensions/pairwise/snippets/pairwise-experiment.liquid and assets/pairwise-experiment.js); consent.js removes
 * both when consent is declined or withdrawn. The server derives the arm and trusts the claim only for an order
 * whose signed webhook carries the same checkout token (README, "Checkout paths outside the cart").
 */

/** localStorage keys on the shop's domain, read through the pixel's `browser.localStorage` (top frame). */
export const VISITOR_KEY = 'pairwise_visitor';
export const PERIOD_KEY = 'pairwise_period';

const VISITOR = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The claim `{checkout, order, visitor, period}` for a checkout_completed event's `data.checkout`, or null when
 * there is nothing to send: no analytics consent (`init.customerPrivacy` or the last visitorConsentCollected),
 * no experiment visitor kept, or a checkout without its token or order id.
 * https://shopify.dev/docs/api/web-pixels-api/standard-events/checkout_completed (Checkout: `token`, `order.id`),
 * https://shopify.dev/docs/api/web-pixels-api/standard-api/customerprivacy
 */
export function checkoutClaim(checkout, visitor, period, privacy) {
  if (!privacy || privacy.analyticsProcessingAllowed !== true) return null;
  if (!checkout || typeof checkout.token !== 'string' || !/^[\w-]{1,100}$/.test(checkout.token)) return null;
  // An order id as a number string or a gid://shopify/Order/<id>; digits only, never through a JS number.
  const order = /^(?:gid:\/\/shopify\/Order\/)?(\d{1,19})$/.exec(String(checkout.order?.id ?? ''))?.[1];
  if (!order || typeof visitor !== 'string' || !VISITOR.test(visitor)) return null;
  const number = Number(period);
  if (!Number.isSafeInteger(number) || number <= 0) return null;
  return {checkout: checkout.token, order, visitor, period: number};
}

/** The pixel endpoint behind the shop's app proxy, on the page's own origin (the shop's domain). */
export function pixelUrl(origin, proxyPath) {
  return `${origin}${proxyPath.replace(/\/+$/, '')}/pixel`;
}
