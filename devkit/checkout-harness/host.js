// The host side of the checkout UI extension harness, in the page: the `shopify` global a target's module sees,
// with the documented API objects of that target (StandardApi: lines, query, settings, localization, i18n,
// shop, sessionToken, analytics; checkout: applyCartLinesChange; thank-you: orderConfirmation; order status:
// order), and small stand-ins for the Polaris web components the extension uses. Shopify renders an extension
// in a sandboxed worker through remote DOM; here it renders straight into the page, which is what lets Chromium
// click its button and read its links.
// https://shopify.dev/docs/api/checkout-ui-extensions/latest/target-apis ,
// https://shopify.dev/docs/api/customer-account-ui-extensions/latest/target-apis

/** A value with the documented `{value, subscribe}` shape; real Preact signals once the extension hands its class over. */
class HostSignal {
  constructor(value) {
    this.current = value;
    this.listeners = new Set();
  }
  get value() {
    return this.signal ? this.signal.value : this.current;
  }
  set(value) {
    this.current = value;
    if (this.signal) this.signal.value = value;
    for (const fn of this.listeners) fn(value);
  }
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

function interpolate(text, options) {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => String(options?.[name] ?? ''));
}

export async function boot() {
  const config = await (await fetch(`/config/${new URL(location.href).searchParams.get('id')}`)).json();
  const log = (window.__harness = {changes: [], published: [], errors: [], firstRenderMs: null, queries: 0, pending: 0});
  window.addEventListener('error', (e) => log.errors.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) => log.errors.push(String(e.reason)));

  const signals = {};
  const signal = (name, value) => (signals[name] = new HostSignal(value));
  const translations = config.translations;
  const money = new Intl.NumberFormat(config.language, {style: 'currency', currency: config.currency});
  const shopify = {
    extension: {target: config.target, apiVersion: '2026-10'},
    lines: signal('lines', config.lines),
    settings: signal('settings', config.settings),
    shop: config.shop,
    localization: {
      language: signal('language', {isoCode: config.language}),
      extensionLanguage: signal('extensionLanguage', {isoCode: config.extensionLanguage}),
      currency: signal('currency', {isoCode: config.currency}),
      country: signal('country', undefined),
    },
    i18n: {
      translate: (key, options) => interpolate(translations[key] ?? key, options),
      formatCurrency: (n) => money.format(n),
      formatNumber: (n) => new Intl.NumberFormat(config.language).format(n),
      formatDate: (d) => new Intl.DateTimeFormat(config.language).format(d),
    },
    async query(query, options) {
      log.queries += 1;
      log.pending += 1;
      try {
        const res = await fetch('/storefront/api/2026-10/graphql.json', {
          method: 'POST',
          headers: {'Content-Type': 'application/json'},
          body: JSON.stringify({query, variables: options?.variables ?? {}}),
        });
        return await res.json();
      } finally {
        // Counted down after the extension's continuation has run, so "settled" means it has rendered.
        setTimeout(() => (log.pending -= 1), 0);
      }
    },
    sessionToken: {get: async () => (await (await fetch('/session-token')).json()).token},
    analytics: {
      publish: async (name, data) => {
        log.published.push({name, data});
        return true;
      },
    },
    setSignals(Signal) {
      for (const s of Object.values(signals)) s.signal = new Signal(s.current);
    },
  };
  if (config.target === 'purchase.checkout.cart-line-list.render-after') {
    shopify.applyCartLinesChange = async (change) => {
      log.changes.push(change);
      const res = await fetch(`/cart/${config.id}/change`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(change)});
      const result = await res.json();
      if (result.type === 'success') signals.lines.set(result.lines);
      return result.type === 'success' ? {type: 'success'} : {type: 'error', message: result.message};
    };
  }
  if (config.target === 'purchase.thank-you.block.render') {
    shopify.orderConfirmation = signal('orderConfirmation', {order: {id: config.orderId}, number: 'PW1001', isFirstOrder: false});
  }
  if (config.target === 'customer-account.order-status.block.render') {
    shopify.order = signal('order', {id: config.orderId, name: '#1001', processedAt: new Date().toISOString()});
  }
  globalThis.shopify = shopify;

  const started = performance.now();
  new MutationObserver((_, observer) => {
    if (document.body.childElementCount > 0 && log.firstRenderMs === null) {
      log.firstRenderMs = performance.now() - started;
      observer.disconnect();
    }
  }).observe(document.body, {childList: true, subtree: true});
  try {
    const module = await import(`/extension/${config.module}`);
    await module.default();
  } catch (error) {
    log.errors.push(String(error?.stack ?? error));
  }
  log.booted = true;
}

// Polaris web components, as far as the extension uses them: each a plain custom element holding its children.
// https://shopify.dev/docs/api/checkout-ui-extensions/latest/polaris-web-components
const inline = new Set(['s-text', 's-link', 's-button', 's-product-thumbnail']);
for (const tag of ['s-stack', 's-heading', 's-text', 's-button', 's-link', 's-banner', 's-product-thumbnail']) {
  customElements.define(
    tag,
    class extends HTMLElement {
      constructor() {
        super();
        // A disabled (or loading) button takes no clicks, as Polaris's does.
        this.addEventListener('click', (e) => this.hasAttribute('disabled') && e.stopImmediatePropagation(), {capture: true});
      }
      connectedCallback() {
        this.style.display = inline.has(tag) ? 'inline-block' : 'block';
        if (tag === 's-button' || tag === 's-link') {
          this.setAttribute('role', tag === 's-button' ? 'button' : 'link');
          this.tabIndex = 0;
        }
      }
    },
  );
}
