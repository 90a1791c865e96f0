/**
 * Pairwise storefront helpers shared by the blocks (no custom element here): the event beacon, the cart add
 * (through pairwise-theme.js, the contract with the theme), and money formatting. Loaded deferred before each
 * block's element, after pairwise-consent.js: events wait for analytics consent and are dropped without it.
 * The guard keeps a second copy (two blocks on one page) from running again.
 */
(() => {
  if (window.Pairwise) return;
  // Events waiting to be sent, by the app proxy path of the block that made them (its data-proxy, built in
  // Liquid from routes.root_url); every block on a page has the same one.
  const queues = new Map();
  // At most this many events wait for consent on one page.
  const MAX_QUEUED = 200;
  let queued = 0;
  let timer;
  const consent = window.PairwiseConsent;
  const allowed = () => !!consent && consent.state() === 'allowed';

  const root = () => (window.Shopify && Shopify.routes && Shopify.routes.root) || '/';

  // A POST that outlives the page: sendBeacon, else a keepalive fetch.
  const beacon = (url, body) => {
    if (!(navigator.sendBeacon && navigator.sendBeacon(url, new Blob([body], {type: 'application/json'})))) {
      fetch(url, {method: 'POST', body, keepalive: true, headers: {'Content-Type': 'application/json'}}).catch(() => {});
    }
  };

  // Events carry ids only: which block showed which product for which anchor. No personal data.
  const flush = () => {
    clearTimeout(timer);
    if (!allowed()) return;
    queued = 0;
    for (const [proxy, queue] of queues) {
      queues.delete(proxy);
      beacon(`${proxy}/events`, JSON.stringify({events: queue}));
    }
  };
  if (consent) {
    consent.whenAllowed(flush);
    consent.whenDenied(() => {
      queues.clear();
      queued = 0;
    });
  }
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flush());


  window.Pairwise = {
    /** True when this visitor is held out: the block is hidden and its shown-events are not sent. */
    heldOut: () => document.documentElement.getAttribute('data-pairwise-arm') === 'holdout',
    root,
    beacon,
    /** Queues one event for the app proxy at `proxy` (the element's data-proxy). */
    track(proxy, type, block, anchor, product) {
      const state = consent ? consent.state() : 'denied';
      if (state === 'denied' || (state !== 'allowed' && queued >= MAX_QUEUED)) return;
      queued++;
      if (!queues.has(proxy)) queues.set(proxy, []);
      queues.get(proxy).push({type, block, anchor: Number(anchor) || null, product: Number(product)});
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
