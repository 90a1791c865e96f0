/**
 * Pairwise storefront helpers shared by the blocks (no custom element here), loaded deferred before each block's
 * element, after pairwise-theme.js; the guard keeps a second copy (two blocks on one page) from running again.
 * - Analytics consent for every Pairwise beacon (PairwiseConsent): the Customer Privacy API loaded with
 *   Shopify.loadFeatures, and answers given or withdrawn later from `visitorConsentCollected`
 *   (https://shopify.dev/docs/api/customer-privacy). What each answer does: README, "Consent, as Shopify loads it".
 * - The funnel events: wait for consent, then published for the app's web pixel, or sent straight to the app
 *   where the storefront has no pixel manager (README, "Funnel events through the web pixel").
 * - The cart add (through pairwise-theme.js, the contract with the theme) and money formatting.
 */
(() => {
  if (window.Pairwise) return;
  const experiment = window.PairwiseExperiment;
  let state = (experiment && experiment.consent) || 'pending';
  const onAllowed = [];
  const onDenied = [];
  const storage = (f) => {
    try {
      return f(localStorage);
    } catch (e) {
      return null;
    }
  };

  const settle = (next) => {
    if (next === state) return;
    const was = state;
    state = next;
    if (next === 'allowed') {
      // An id for the pages that follow: this one was painted before consent was known.
      if (experiment && !experiment.visitor && window.crypto && crypto.randomUUID) storage((s) => s.getItem('pairwise_visitor') || s.setItem('pairwise_visitor', crypto.randomUUID()));
      onAllowed.forEach((f) => f());
      return;
    }
    storage((s) => (s.removeItem('pairwise_visitor'), s.removeItem('pairwise_period')));
    if (experiment) Object.assign(experiment, {visitor: null, arm: 'none'});
    document.documentElement.setAttribute('data-pairwise-arm', 'none');
    if (next === 'denied' || was === 'allowed') onDenied.forEach((f) => f());
  };

  const api = () => window.Shopify && Shopify.customerPrivacy;
  // Not answered yet (a banner is up) is not a refusal: beacons wait for the answer.
  const ask = () => (api().analyticsProcessingAllowed() ? 'allowed' : api().currentVisitorConsent?.().analytics === '' ? 'unanswered' : 'denied');

  document.addEventListener('visitorConsentCollected', (e) => settle(e.detail?.analyticsAllowed === true ? 'allowed' : 'denied'));
  if (state === 'pending') {
    if (api()?.analyticsProcessingAllowed) settle(ask());
    else if (window.Shopify?.loadFeatures) Shopify.loadFeatures([{name: 'consent-tracking-api', version: '0.1'}], (error) => settle(error || !api() ? 'denied' : ask()));
    else settle('denied');
  }

  window.PairwiseConsent = {
    /** 'allowed', 'denied', 'unanswered' or 'pending' (the API is loading). */
    state: () => state,
    whenAllowed(f) {
      onAllowed.push(f);
      if (state === 'allowed') f();
    },
    whenDenied: (f) => onDenied.push(f),
  };

  // Events waiting for consent and the next send: at most MAX_QUEUED before consent is known. Each carries ids
  // only (which block showed which product for which anchor; no personal data) and its own id, this page's
  // random UUID and its number here, so it counts once whichever way it reaches the app.
  let queue = [];
  let proxy;
  const MAX_QUEUED = 200;
  let timer;
  const page = window.crypto && crypto.randomUUID && crypto.randomUUID();
  let sequence = 0;

  const root = () => (window.Shopify && Shopify.routes && Shopify.routes.root) || '/';

  // A POST that outlives the page: sendBeacon, else a keepalive fetch.
  const beacon = (url, body) => {
    if (!(navigator.sendBeacon && navigator.sendBeacon(url, new Blob([body], {type: 'application/json'})))) {
      fetch(url, {method: 'POST', body, keepalive: true, headers: {'Content-Type': 'application/json'}}).catch(() => {});
    }
  };

  // One way per page: where Shopify's pixel manager defines Shopify.analytics.publish, a custom event for the
  // app's web pixel, which forwards it (https://shopify.dev/docs/api/web-pixels-api/emitting-data; the pixel is
  // loaded only with analytics consent); elsewhere straight to the app proxy. In batches of 50, the app's limit.
  const flush = () => {
    clearTimeout(timer);
    if (state !== 'allowed') return;
    const analytics = window.Shopify && Shopify.analytics;
    while (queue.length) {
      const events = queue.splice(0, 50);
      if (analytics && typeof analytics.publish === 'function') analytics.publish('pairwise_funnel', {events});
      else beacon(`${proxy}/events`, JSON.stringify({events}));
    }
  };
  onAllowed.push(flush);
  onDenied.push(() => (queue = []));
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flush());

  window.Pairwise = {
    /** True when this visitor is held out: the block is hidden and its shown-events are not sent. */
    heldOut: () => document.documentElement.getAttribute('data-pairwise-arm') === 'holdout',
    root,
    beacon,
    /** Queues one event; `at` is the block's app proxy path (its data-proxy, the same for every block on a page). */
    track(at, type, block, anchor, product) {
      if (state === 'denied' || (state !== 'allowed' && queue.length >= MAX_QUEUED)) return;
      proxy = at;
      queue.push({type, block, anchor: Number(anchor) || null, product: Number(product), id: page ? `${page}:${sequence++}` : null});
      clearTimeout(timer);
      timer = setTimeout(flush, 2000);
    },
    /** Observes el once it is half visible, then calls seen(): the "viewed" event. */
    onView(el, seen) {
      if (!('IntersectionObserver' in window)) return;
      const io = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          io.disconnect();
          seen();
        }
      }, {threshold: 0.5});
      io.observe(el);
    },
    /** Adds items to the cart the way this theme wants (pairwise-theme.js holds that contract). */
    add(items, options) {
      return PairwiseTheme.add(items, options);
    },
    /** Formats cents with the shop's money format, as Liquid's `money` filter does. */
    money(cents, format) {
      return (format || '${{amount}}').replace(/\{\{\s*(\w+)\s*\}\}/, (_, kind) => {
        const comma = /comma/.test(kind);
        const [whole, fraction] = (cents / 100).toFixed(/no_decimals/.test(kind) ? 0 : 2).split('.');
        const sep = comma ? '.' : /apostrophe/.test(kind) ? "'" : ',';
        return whole.replace(/\B(?=(\d{3})+(?!\d))/g, sep) + (fraction ? (comma ? ',' : '.') + fraction : '');
      });
    },
  };
})();
