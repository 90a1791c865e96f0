// Stand-in for the standard storefront actions runtime Shopify injects on every Liquid storefront
// (https://shopify.dev/docs/api/storefront-events-and-actions/actions, .../actions/configure): Shopify.actions
// .getCart / .updateCart / .openCart, each with configure() and isDefault(). updateCart dispatches
// `shopify:cart:lines-update` on its event target (document unless configured) with the change's promise, runs
// the configured handler or the default one, and resolves with {cart, userErrors, warnings}.
// Where the preview differs from Shopify: the default handler writes through the stand-in's Ajax Cart API
// (the preview has no Storefront API), and it treats a theme as recognised only when that theme configured the
// action (Horizon does), so on every other theme (Dawn included) a change of lines ends in a full page reload;
// and it does not fire `shopify:cart:attributes-update` for a change of attributes.
import {CartLinesUpdateEvent} from 'https://cdn.shopify.com/storefront/standard-events.js';

const root = () => (window.Shopify && Shopify.routes && Shopify.routes.root) || '/';
const idOf = (gid) => String(gid).split('/').pop();
const json = (res) => res.json();
const post = (path, body) =>
  fetch(root() + path, {method: 'POST', headers: {'Content-Type': 'application/json', Accept: 'application/json'}, body: JSON.stringify(body)}).then(json);

async function getCart() {
  const cart = await fetch(root() + 'cart.js', {headers: {Accept: 'application/json'}}).then(json);
  return {cart: CartLinesUpdateEvent.createCartFromAjaxResponse(cart)};
}

/** Writes the lines (add: merchandiseId; update/remove: id of a cart line) and the attributes, and answers like updateCart. */
async function writeLines(input) {
  const userErrors = [];
  const adds = (input.lines || []).filter((l) => l.merchandiseId);
  const changes = (input.lines || []).filter((l) => l.id);
  if (adds.length) {
    const items = adds.map((l) => ({
      id: Number(idOf(l.merchandiseId)),
      quantity: l.quantity ?? 1,
      properties: Object.fromEntries((l.attributes || []).map((a) => [a.key, a.value])),
    }));
    const answer = await post('cart/add.js', {items});
    if (answer.status) userErrors.push({code: 'INVALID', field: ['lines'], message: answer.description || answer.message});
  }
  for (const l of changes) {
    const answer = await post('cart/change.js', {id: decodeURIComponent(idOf(l.id)), quantity: l.quantity});
    if (answer.status) userErrors.push({code: 'INVALID', field: ['lines'], message: answer.description || answer.message});
  }
  if (input.attributes) {
    // The cart's whole new set of attributes, which updateCart writes since 2026-08
    // (https://shopify.dev/changelog/events-and-actions-cart-attributes-support): the Ajax API merges, so a key
    // left out is sent blank, which removes it.
    const held = (await fetch(root() + 'cart.js').then(json)).attributes || {};
    const attributes = Object.fromEntries(Object.keys(held).map((key) => [key, '']));
    for (const a of input.attributes) attributes[a.key] = a.value;
    const answer = await post('cart/update.js', {attributes});
    if (answer.status) userErrors.push({code: 'INVALID', field: ['attributes'], message: answer.description || answer.message});
  }
  const ajax = await fetch(root() + 'cart.js').then(json);
  return {ajax, result: {cart: CartLinesUpdateEvent.createCartFromAjaxResponse(ajax), userErrors, warnings: []}};
}

function action(name, defaultHandler, run) {
  let config = null;
  const call = (input) => run(input, config, defaultHandler);
  call.configure = (options) => {
    config = options;
  };
  call.isDefault = () => config === null;
  return call;
}

const updateCart = action('updateCart', null, async (input = {}, config) => {
  const lines = input.lines || [];
  const actionName = lines.every((l) => l.merchandiseId) ? 'add' : lines.every((l) => l.quantity === 0) ? 'remove' : 'update';
  const deferred = CartLinesUpdateEvent.createPromise();
  const target = (config && config.eventTarget && config.eventTarget()) || document;
  if (lines.length) {
    target.dispatchEvent(
      new CartLinesUpdateEvent({action: actionName, context: 'standard-action', lines: lines.map(({merchandiseId, id, quantity}) => (merchandiseId ? {merchandiseId, quantity} : {id, quantity})), promise: deferred.promise}),
    );
  }
  try {
    if (config && config.handler) {
      const result = await config.handler(input);
      deferred.resolve(result);
      return result;
    }
    const {result} = await writeLines(input);
    deferred.resolve(result);
    // Not a theme that told the runtime how it shows the cart: reload, so the page shows the new lines. Attributes
    // alone change nothing a page shows, and reloading for them would run the caller's page load again.
    if (!config && lines.length && !result.userErrors.length) setTimeout(() => location.reload(), 0);
    return result;
  } catch (error) {
    deferred.reject(error);
    throw error;
  }
});

const openCart = action('openCart', null, async (_input, config) => {
  if (config && config.handler) return void (await config.handler());
  const drawer = document.querySelector('cart-drawer, cart-drawer-component, theme-drawer#cart-drawer');
  if (drawer && typeof drawer.open === 'function') return void drawer.open();
  location.href = root() + 'cart';
});

const getCartAction = () => getCart();
getCartAction.isDefault = () => true;

window.Shopify = window.Shopify || {};
window.Shopify.actions = {getCart: getCartAction, updateCart, openCart};

