/**
 * The preview storefront's stand-in for what Shopify's `content_for_header` gives every storefront page:
 * `Shopify.loadFeatures`, which loads the Customer Privacy API asynchronously (it is not there before:
 * https://shopify.dev/docs/api/customer-privacy#loading-the-customer-privacy-api), and, where the merchant asks
 * for consent, a banner that collects it. The API has the documented methods (`analyticsProcessingAllowed`,
 * `marketingAllowed`, `preferencesProcessingAllowed`, `saleOfDataAllowed`, `currentVisitorConsent`,
 * `shouldShowBanner`, `setTrackingConsent`) and dispatches `visitorConsentCollected` on `document` with
 * `{analyticsAllowed, marketingAllowed, preferencesAllowed, saleOfDataAllowed}` when an answer is given.
 * The answer lives in a cookie, so it holds on the next page; "Privacy preferences" reopens the banner, where a
 * visitor can withdraw. Configured by the script tag: data-required ("true": consent asked first), data-delay
 * (ms before the API is loaded).
 */
(() => {
  const script = document.currentScript;
  const required = script.dataset.required === 'true';
  const delay = Number(script.dataset.delay) || 0;
  const COOKIE = 'pairwise_preview_consent';
  const PURPOSES = ['analytics', 'marketing', 'preferences', 'sale_of_data'];

  const read = () => {
    const m = new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]*)`).exec(document.cookie);
    try {
      return m ? JSON.parse(decodeURIComponent(m[1])) : null;
    } catch (e) {
      return null;
    }
  };
  const answer = (purpose) => {
    const given = read();
    return given && typeof given[purpose] === 'boolean' ? (given[purpose] ? 'yes' : 'no') : '';
  };
  const allowed = (purpose) => !required || answer(purpose) === 'yes';

  const api = {
    analyticsProcessingAllowed: () => allowed('analytics'),
    marketingAllowed: () => allowed('marketing'),
    preferencesProcessingAllowed: () => allowed('preferences'),
    saleOfDataAllowed: () => allowed('sale_of_data'),
    userCanBeTracked: () => allowed('analytics') && allowed('marketing'),
    currentVisitorConsent: () => Object.fromEntries(PURPOSES.map((p) => [p, answer(p)])),
    shouldShowBanner: () => required && read() === null,
    setTrackingConsent(consent, callback) {
      const next = {...(read() || {})};
      for (const p of PURPOSES) if (typeof consent[p] === 'boolean') next[p] = consent[p];
      document.cookie = `${COOKIE}=${encodeURIComponent(JSON.stringify(next))}; Path=/; SameSite=Lax`;
      document.dispatchEvent(new CustomEvent('visitorConsentCollected', {
        detail: {
          analyticsAllowed: api.analyticsProcessingAllowed(),
          marketingAllowed: api.marketingAllowed(),
          preferencesAllowed: api.preferencesProcessingAllowed(),
          saleOfDataAllowed: api.saleOfDataAllowed(),
        },
      }));
      if (callback) callback();
    },
  };

  let loaded;
  window.Shopify = window.Shopify || {};
  Shopify.loadFeatures = (features, callback) => {
    const unknown = features.find((f) => f.name !== 'consent-tracking-api');
    if (unknown) {
      setTimeout(() => callback(new Error(`unknown feature ${unknown.name}`)));
      return;
    }
    loaded = loaded || new Promise((resolve) => setTimeout(() => resolve((Shopify.customerPrivacy = api)), delay));
    loaded.then(() => callback(false));
  };

  // The banner, where the merchant asks first: Accept, Decline; reopened from "Privacy preferences".
  const banner = () => {
    let el = document.getElementById('privacy-banner');
    if (el) return el;
    el = document.createElement('div');
    el.id = 'privacy-banner';
    el.setAttribute('role', 'dialog');
    el.setAttribute('aria-label', 'Cookie consent');
    el.hidden = true;
    el.innerHTML = '<p>We use cookies for analytics.</p><button type="button" data-consent="accept">Accept</button> <button type="button" data-consent="decline">Decline</button>';
    el.addEventListener('click', (event) => {
      const choice = event.target.closest('[data-consent]');
      if (!choice) return;
      const yes = choice.dataset.consent === 'accept';
      Shopify.loadFeatures([{name: 'consent-tracking-api', version: '0.1'}], () => {
        api.setTrackingConsent({analytics: yes, marketing: yes, preferences: yes, sale_of_data: yes});
        el.hidden = true;
      });
    });
    document.body.append(el);
    return el;
  };
  if (required) {
    document.addEventListener('DOMContentLoaded', () => {
      const reopen = document.createElement('button');
      reopen.type = 'button';
      reopen.id = 'privacy-preferences';
      reopen.textContent = 'Privacy preferences';
      reopen.addEventListener('click', () => void (banner().hidden = false));
      document.body.append(reopen);
      if (api.shouldShowBanner()) banner().hidden = false;
    });
  }
})();
