// Stand-in for Shopify's standard storefront events module, which themes import from
// https://cdn.shopify.com/storefront/standard-events.js (Horizon's import map names it; its types are Horizon's
// assets/standard-events.d.ts). Events are DOM events named `shopify:<resource>:<verb>` that bubble to document,
// with their payload as properties: https://shopify.dev/docs/api/storefront-events-and-actions/events
export const StandardEvents = {
  pageView: 'shopify:page:view',
  productView: 'shopify:product:view',
  productSelect: 'shopify:product:select',
  cartView: 'shopify:cart:view',
  cartError: 'shopify:cart:error',
  cartLinesUpdate: 'shopify:cart:lines-update',
  cartNoteUpdate: 'shopify:cart:note-update',
  cartDiscountUpdate: 'shopify:cart:discount-update',
  searchUpdate: 'shopify:search:update',
  collectionView: 'shopify:collection:view',
  collectionUpdate: 'shopify:collection:update',
};

const createGid = (type, id) => (String(id).startsWith('gid://') ? String(id) : `gid://shopify/${type}/${id}`);

const deferred = () => {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)));
  return {promise, resolve, reject};
};

const money = (cents, currencyCode) => ({amount: (Number(cents || 0) / 100).toFixed(2), currencyCode});

/** The cart summary an event's promise resolves with, from an Ajax `/cart.js` body. */
function fromAjaxCart(cart) {
  return {
    id: createGid('Cart', cart.token),
    totalQuantity: cart.item_count,
    cost: {totalAmount: money(cart.total_price, cart.currency)},
    lines: (cart.items || []).map((item) => ({
      id: createGid('CartLine', item.key),
      quantity: item.quantity,
      merchandise: {id: createGid('ProductVariant', item.variant_id), product: {id: createGid('Product', item.product_id)}},
      cost: {totalAmount: money(item.final_line_price ?? item.line_price, cart.currency)},
    })),
    discountCodes: (cart.discount_codes || []).map((d) => ({applicable: !!d.applicable, code: d.code})),
  };
}

export class ShopifyStandardEvent extends Event {
  static createGid = createGid;
  constructor(type, payload, options) {
    super(type, {bubbles: true, composed: true, ...options});
    Object.assign(this, payload);
  }
}

const kind = (eventName, extra = {}) =>
  class extends ShopifyStandardEvent {
    static eventName = eventName;
    static createPromise = deferred;
    static createCartFromAjaxResponse = fromAjaxCart;
    constructor(payload = {}) {
      super(eventName, payload);
    }
    static {
      Object.assign(this, extra);
    }
  };

const parseProductFilters = (params = new URLSearchParams(location.search)) =>
  [...params].filter(([k]) => k.startsWith('filter.')).map(([key, value]) => ({key, value}));
const sortKey = (params = new URLSearchParams(location.search)) => params.get('sort_by') || undefined;

export const PageViewEvent = kind(StandardEvents.pageView);
export const ProductViewEvent = kind(StandardEvents.productView);
export const ProductSelectEvent = kind(StandardEvents.productSelect);
export const CartViewEvent = kind(StandardEvents.cartView);
export const CartErrorEvent = kind(StandardEvents.cartError);
export const CartLinesUpdateEvent = kind(StandardEvents.cartLinesUpdate);
export const CartNoteUpdateEvent = kind(StandardEvents.cartNoteUpdate);
export const CartDiscountUpdateEvent = kind(StandardEvents.cartDiscountUpdate);
export const SearchUpdateEvent = kind(StandardEvents.searchUpdate, {parseProductFilters, getSortKey: sortKey});
export const CollectionViewEvent = kind(StandardEvents.collectionView);
export const CollectionUpdateEvent = kind(StandardEvents.collectionUpdate, {parseProductFilters, getSortKey: sortKey});

/**
 * A custom element base that dispatches its view event (payload from its `view-event-payload` attribute, as the
 * `standard_event_data` filter writes it) once it connects.
 */
export function createViewEventElement(Base = HTMLElement) {
  return class extends Base {
    connectedCallback() {
      super.connectedCallback?.();
      const raw = this.getAttribute('view-event-payload');
      if (!raw) return;
      try {
        const payload = JSON.parse(raw);
        const type = payload.cart ? StandardEvents.cartView : payload.product ? StandardEvents.productView : null;
        if (type) this.dispatchEvent(new ShopifyStandardEvent(type, payload));
      } catch {
        // A payload that is not JSON sends no view event.
      }
    }
  };
}
