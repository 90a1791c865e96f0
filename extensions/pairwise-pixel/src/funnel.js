/**
 * The theme blocks' funnel events as the pixel forwards them, as pure functions the tests run with the documented
 * shapes. The blocks publish one custom event per batch with `Shopify.analytics.publish('pairwise_funnel',
 * {events})` (extensions/pairwise/assets/pairwise-core.js); the pixel receives it as a custom event whose
 * `customData` is that object: https://shopify.dev/docs/api/web-pixels-api/emitting-data , event shape
 * (`name`, `customData`, `id`, `clientId`, `seq`, `timestamp`, `context`, `type: 'custom'`) in
 * @shopify/web-pixels-extension's CustomEvent type. The app checks each event again (server/routes/proxy-funnel-events.ts).
 */

/** The custom event's name: prefixed with the app's name, as the page above asks, so no other app's collides. */
export const FUNNEL_EVENT = 'pairwise_funnel';
/** The most events one forwarded body carries (the app's limit per batch). */
const MAX_EVENTS = 50;

/**
 * The body `{events}` to forward for a `pairwise_funnel` custom event, or null when there is nothing to send: no
 * analytics consent (`init.customerPrivacy` or the last visitorConsentCollected), or customData without events.
 */
export function funnelBatch(event, privacy) {
  if (!privacy || privacy.analyticsProcessingAllowed !== true) return null;
  const events = event && event.customData && event.customData.events;
  if (!Array.isArray(events) || events.length === 0) return null;
  return {events: events.slice(0, MAX_EVENTS)};
}
