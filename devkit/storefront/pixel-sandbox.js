/**
 * The preview storefront's stand-in for Shopify's web pixel manager, on every page once the app's pixel is
 * activated (webPixelCreate): it loads the app's pixel (extensions/pairwise-pixel, with the real
 * @shopify/web-pixels-extension `register`) in a Web Worker, as the strict sandbox runs it apart from the page, and
 * only with the consent the extension declares ([customer_privacy] analytics = true): not before the Customer
 * Privacy API says analytics is allowed, loaded later if the visitor accepts then, never if they decline.
 * https://shopify.dev/docs/api/web-pixels-api (strict sandbox), https://shopify.dev/docs/api/web-pixels-api/pixel-privacy
 * The worker gets the documented standard API (pixel-worker.js): `analytics.subscribe`, `browser` (cookie,
 * localStorage, sessionStorage of this top frame, asynchronous), `init` (context, data.shop, customerPrivacy),
 * `settings` and `customerPrivacy.subscribe('visitorConsentCollected')`. The standard events a page publishes are
 * listed in its `<script type="application/json" id="pixel-events">` (the Thank you page: checkout_completed).
 * Custom events: `Shopify.analytics.publish(name, customData)`, which Shopify's manager defines on every Online
 * Store page (https://shopify.dev/docs/api/web-pixels-api/emitting-data); the preview defines it where its
 * manager runs, i.e. where the app's pixel is active (without one, a published event would reach nobody).
 * Configured by the script tag: data-settings (the pixel's settings JSON), data-shop (myshopify domain).
 */
(() => {
  const script = document.currentScript;
  const settings = JSON.parse(script.dataset.settings);
  const shop = script.dataset.shop;
  let worker = null;
  let ready = false;
  const waiting = [];
  let seq = 0;

  const privacy = () => {
    const api = window.Shopify && Shopify.customerPrivacy;
    return {
      analyticsProcessingAllowed: !!api && api.analyticsProcessingAllowed(),
      marketingAllowed: !!api && api.marketingAllowed(),
      preferencesProcessingAllowed: !!api && api.preferencesProcessingAllowed(),
      saleOfDataAllowed: !!api && api.saleOfDataAllowed(),
    };
  };
  const location = () => {
    const l = window.location;
    return {href: l.href, origin: l.origin, protocol: l.protocol, host: l.host, hostname: l.hostname, port: l.port, pathname: l.pathname, search: l.search, hash: l.hash};
  };
  const context = () => ({
    document: {location: location(), referrer: document.referrer, title: document.title, characterSet: document.characterSet},
    navigator: {userAgent: navigator.userAgent, language: navigator.language, languages: [...navigator.languages], cookieEnabled: navigator.cookieEnabled},
    window: {location: location(), innerWidth, innerHeight, outerWidth, outerHeight, screenX, screenY, scrollX, scrollY, origin: window.origin},
  });
  const send = (message) => (ready ? worker.postMessage(message) : waiting.push(message));

  // The browser API, executed here in the top frame for the worker; only these methods.
  const storages = {localStorage: () => window.localStorage, sessionStorage: () => window.sessionStorage};
  const browser = (api, method, args) => {
    if (api === 'cookie') {
      if (method === 'get') {
        const all = Object.fromEntries(document.cookie.split(/;\s*/).filter(Boolean).map((c) => [c.slice(0, c.indexOf('=')), decodeURIComponent(c.slice(c.indexOf('=') + 1))]));
        return args[0] === undefined ? document.cookie : all[args[0]] || '';
      }
      if (method === 'set') return void (document.cookie = args.length > 1 ? `${args[0]}=${args[1]}` : args[0]);
    }
    if (api in storages && ['getItem', 'setItem', 'removeItem', 'key', 'clear'].includes(method)) return storages[api]()[method](...args);
    if (api in storages && method === 'length') return storages[api]().length;
    throw new Error(`browser.${api}.${method} is not in the Web Pixels API`);
  };

  const start = () => {
    if (worker) return;
    worker = new Worker('/pixel-sandbox/worker.js', {type: 'module'});
    worker.onmessage = ({data}) => {
      if (data.type === 'ready') {
        ready = true;
        waiting.splice(0).forEach((m) => worker.postMessage(m));
      } else if (data.type === 'browser') {
        let reply;
        try {
          reply = {type: 'browser-result', id: data.id, result: browser(data.api, data.method, data.args)};
        } catch (e) {
          reply = {type: 'browser-result', id: data.id, error: String(e)};
        }
        worker.postMessage(reply);
      }
    };
    const init = {
      context: context(),
      data: {shop: {name: shop.replace(/\.myshopify\.com$/, ''), myshopifyDomain: shop, storefrontUrl: window.location.origin, paymentSettings: {currencyCode: Shopify.currency && Shopify.currency.active}}, customer: null, cart: null},
      customerPrivacy: privacy(),
    };
    worker.postMessage({type: 'start', module: '/pixel-sandbox/pixel/index.js', init, settings});
    const events = document.getElementById('pixel-events');
    for (const e of events ? JSON.parse(events.textContent) : []) deliver(e.name, 'standard', {data: e.data});
  };
  /** One event as the pixel receives it: the fields every customer event has, and its own (`data` or `customData`). */
  const deliver = (name, type, fields) =>
    send({type: 'event', event: {id: `${Date.now()}-${seq}`, name, type, seq: seq++, timestamp: new Date().toISOString(), clientId: 'preview', context: context(), ...fields}});

  // A custom event reaches a pixel only as its consent allows: this pixel declares analytics, so while analytics is
  // not allowed a published event is dropped, as it would reach no pixel that is not loaded. Event shape
  // (@shopify/web-pixels-extension's CustomEvent): id, name, type 'custom', seq, timestamp, clientId, context,
  // customData (the object passed to publish, or null).
  Shopify.analytics = Object.assign(Shopify.analytics || {}, {
    publish(name, customData) {
      if (typeof name !== 'string' || !privacy().analyticsProcessingAllowed) return;
      start();
      deliver(name, 'custom', {customData: customData === undefined ? null : JSON.parse(JSON.stringify(customData))});
    },
  });

  document.addEventListener('visitorConsentCollected', () => {
    const now = privacy();
    if (worker) send({type: 'consent', customerPrivacy: now});
    else if (now.analyticsProcessingAllowed) start();
  });
  Shopify.loadFeatures([{name: 'consent-tracking-api', version: '0.1'}], (error) => {
    if (!error && Shopify.customerPrivacy.analyticsProcessingAllowed()) start();
  });
})();
