/**
 * Analytics consent for every Pairwise beacon: the Customer Privacy API loaded with Shopify.loadFeatures, and
 * answers given or withdrawn later from `visitorConsentCollected` (https://shopify.dev/docs/api/customer-privacy).
 * What each answer does: README, "Consent, as Shopify loads it".
 */
(() => {
  if (window.PairwiseConsent) return;
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
})();
