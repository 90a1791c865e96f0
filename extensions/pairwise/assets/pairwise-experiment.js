/**
 * The experiment's visitor, once analytics consent is given: counted on the server (which derives the arm) and
 * carried to the order as cart attributes (Shopify copies them into `note_attributes`); taken off the cart when
 * consent is declined or withdrawn; the period is kept beside the id for the web pixel. Loaded deferred after pairwise-core.js by the blocks with the snippet.
 */
(() => {
  const experiment = window.PairwiseExperiment;
  const consent = window.PairwiseConsent;
  if (!experiment || !consent || experiment.started) return;
  experiment.started = true;

  // Shopify.actions.updateCart replaces the whole set, so the cart's own attributes go back with ours
  // (https://shopify.dev/docs/api/storefront-events-and-actions/actions/update-cart); /cart/update.js merges.
  const setCartAttributes = (wanted) =>
    fetch(Pairwise.root() + 'cart.js', {headers: {Accept: 'application/json'}})
      .then((res) => res.json())
      .then((cart) => {
        const held = cart.attributes || {};
        if (Object.keys(wanted).every((k) => (held[k] || '') === wanted[k])) return;
        const actions = window.Shopify && Shopify.actions;
        if (actions && typeof actions.updateCart === 'function') {
          const merged = Object.entries({...held, ...wanted}).filter(([, value]) => value !== '');
          return actions.updateCart({attributes: merged.map(([key, value]) => ({key, value: String(value)}))});
        }
        return fetch(Pairwise.root() + 'cart/update.js', {
          method: 'POST',
          headers: {'Content-Type': 'application/json', Accept: 'application/json'},
          body: JSON.stringify({attributes: wanted}),
        });
      })
      .catch(() => {});

  let counted = false;
  consent.whenAllowed(() => {
    if (!experiment.visitor || counted) return;
    counted = true;
    // For the web pixel (extensions/pairwise-pixel): an order placed without the cart names its visitor by these.
    try {
      localStorage.setItem('pairwise_period', String(experiment.period));
    } catch (e) {}
    setCartAttributes({_pairwise_visitor: experiment.visitor, _pairwise_period: String(experiment.period), _pairwise_arm: experiment.arm});
    const block = document.querySelector('[data-pairwise-experiment][data-proxy]');
    if (block) Pairwise.beacon(`${block.dataset.proxy}/experiment`, JSON.stringify({visitor: experiment.visitor, period: experiment.period}));
  });
  consent.whenDenied(() => setCartAttributes({_pairwise_visitor: '', _pairwise_period: '', _pairwise_arm: ''}));
})();
