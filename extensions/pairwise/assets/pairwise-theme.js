// Pairwise's contract with the theme: README "Inside real themes" states it, one path per theme.
(() => {
  if (window.PairwiseTheme) return;
  const root = () => (window.Shopify && Shopify.routes && Shopify.routes.root) || '/';
  const actions = () => (window.Shopify && Shopify.actions && Shopify.actions.updateCart ? Shopify.actions : null);
  const dawnCart = () => {
    const cart = document.querySelector('cart-drawer') || document.querySelector('cart-notification');
    return cart && typeof cart.renderContents === 'function' && typeof cart.getSectionsToRender === 'function' ? cart : null;
  };
  const sectionHTML = (html, selector) => new DOMParser().parseFromString(html, 'text/html').querySelector(selector)?.innerHTML;
  const changed = (detail) => document.dispatchEvent(new CustomEvent('pairwise:cart-changed', {detail}));

  function path() {
    const a = actions();
    if (a && !a.updateCart.isDefault()) return 'actions';
    if (dawnCart()) return 'sections';
    return a ? 'default-action' : 'ajax';
  }

  async function viaActions(items, open) {
    const lines = items.map((item) => ({
      merchandiseId: `gid://shopify/ProductVariant/${item.id}`,
      quantity: item.quantity,
      attributes: Object.entries(item.properties || {}).map(([key, value]) => ({key, value: String(value)})),
    }));
    const result = await Shopify.actions.updateCart({lines});
    if (result.userErrors && result.userErrors.length) throw new Error(result.userErrors[0].message);
    if (open && Shopify.actions.openCart) await Shopify.actions.openCart();
    return result;
  }

  async function viaAjax(items, cart) {
    const sections = cart ? cart.getSectionsToRender().map((s) => s.id) : ['cart-icon-bubble'];
    const res = await fetch(root() + 'cart/add.js', {
      method: 'POST',
      headers: {'Content-Type': 'application/json', Accept: 'application/json'},
      body: JSON.stringify({items, sections, sections_url: location.pathname}),
    });
    const data = await res.json();
    if (!res.ok || data.status) throw new Error(data.description || data.message || res.statusText);
    if (cart) {
      cart.renderContents({...data.items[0], sections: data.sections});
    } else {
      const bubble = document.getElementById('cart-icon-bubble');
      const html = data.sections && data.sections['cart-icon-bubble'];
      if (bubble && html) bubble.innerHTML = sectionHTML(html, '.shopify-section') ?? bubble.innerHTML;
    }
    if (typeof publish === 'function' && typeof PUB_SUB_EVENTS !== 'undefined') publish(PUB_SUB_EVENTS.cartUpdate, {source: 'pairwise', cartData: data});
    return data;
  }

  async function add(items, {open = false} = {}) {
    const way = path();
    const result = way === 'actions' || way === 'default-action' ? await viaActions(items, open) : await viaAjax(items, way === 'sections' ? dawnCart() : null);
    if (way !== 'actions') changed(result);
    return result;
  }

  function onCartChange(callback) {
    document.addEventListener('shopify:cart:lines-update', (event) => {
      if (event.promise) event.promise.then(() => callback(), () => {});
      else callback();
    });
    document.addEventListener('pairwise:cart-changed', () => callback());
    if (typeof subscribe === 'function' && typeof PUB_SUB_EVENTS !== 'undefined') {
      subscribe(PUB_SUB_EVENTS.cartUpdate, (event) => event.source !== 'pairwise' && callback());
    }
  }

  function drawer() {
    const horizon = document.querySelector('cart-drawer-component');
    if (horizon) return {element: horizon, before: () => horizon.querySelector('.cart-drawer__summary')};
    const dawn = document.querySelector('cart-drawer');
    if (dawn) return {element: dawn, before: () => dawn.querySelector('.drawer__footer')};
    return null;
  }

  window.PairwiseTheme = {path, add, onCartChange, drawer};
})();
