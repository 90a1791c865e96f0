/**
 * Pairwise's web pixel (strict sandbox):
 * - on checkout_completed, tells the app which experiment visitor placed the order, so an order that skipped the
 *   cart (buy it now, express checkout) is attributed like one that carried the cart attributes;
 * - forwards the theme blocks' funnel events (the `pairwise_funnel` custom event they publish) to the app.
 * It imports nothing from the app: Shopify bundles this folder alone.
 * https://shopify.dev/docs/apps/build/marketing-analytics/build-web-pixels ,
 * https://shopify.dev/docs/api/web-pixels-api/standard-api/browser (localStorage of the top frame, async),
 * https://shopify.dev/docs/api/web-pixels-api/standard-api/init , .../standard-api/customerprivacy
 */
import {register} from '@shopify/web-pixels-extension';
import {checkoutClaim, pixelUrl, PERIOD_KEY, VISITOR_KEY} from './claim.js';
import {FUNNEL_EVENT, funnelBatch} from './funnel.js';

register(({analytics, browser, init, settings, customerPrivacy}) => {
  // Shopify loads the pixel only with analytics permission (shopify.extension.toml); an answer changed on this
  // page arrives here, and a withdrawal stops what follows.
  let privacy = init.customerPrivacy;
  customerPrivacy.subscribe('visitorConsentCollected', (event) => {
    privacy = event.customerPrivacy;
  });

  analytics.subscribe('checkout_completed', async (event) => {
    const [visitor, period] = await Promise.all([browser.localStorage.getItem(VISITOR_KEY), browser.localStorage.getItem(PERIOD_KEY)]);
    const claim = checkoutClaim(event.data.checkout, visitor, period, privacy);
    if (!claim) return;
    // A plain-text POST (no preflight) that outlives the Thank you page; the app proxy signs the shop.
    await fetch(pixelUrl(init.context.document.location.origin, settings.proxyPath), {method: 'POST', body: JSON.stringify(claim), keepalive: true}).catch(() => {});
  });

  // The blocks publish their events only once analytics is allowed, and Shopify delivers custom events to this
  // pixel only with the consent it declares; the check here follows an answer withdrawn on this page.
  analytics.subscribe(FUNNEL_EVENT, async (event) => {
    const batch = funnelBatch(event, privacy);
    if (!batch) return;
    await fetch(`${pixelUrl(init.context.document.location.origin, settings.proxyPath)}/events`, {method: 'POST', body: JSON.stringify(batch), keepalive: true}).catch(() => {});
  });
});
