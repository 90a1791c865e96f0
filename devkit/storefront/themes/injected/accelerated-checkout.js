// Stand-in for the script Shopify's content_for_header adds to render the accelerated checkout buttons that
// `{{ form | payment_button }}` hosts (https://shopify.dev/docs/api/liquid/filters/payment_button,
// https://shopify.dev/docs/storefronts/themes/pricing-payments/accelerated-checkout): the
// <shopify-accelerated-checkout> element draws its button in a closed shadow root, as Shopify's has since the
// upgrade described at https://shopify.dev/docs/storefronts/themes/pricing-payments/accelerated-checkout/upgrade-accelerated-checkout,
// so a theme styles it only through the documented custom properties (--shopify-accelerated-checkout-button-*).
// The preview store offers no wallet, so the element shows its `fallback`, the unbranded "Buy it now" (English
// only here), which buys the product form's selected variant and quantity at once, skipping the cart: the
// preview's checkout (POST <root>checkouts/buy-now, the path of the minimal theme's button), then the Thank you
// page.
class ShopifyAcceleratedCheckout extends HTMLElement {
  #shadow = this.attachShadow({mode: 'closed'});

  connectedCallback() {
    if (this.#shadow.childElementCount) return;
    const style = document.createElement('style');
    style.textContent = `
      :host { display: block; }
      button {
        display: block; box-sizing: border-box; width: 100%; cursor: pointer; font: inherit;
        min-block-size: var(--shopify-accelerated-checkout-button-block-size, 44px);
        border-radius: var(--shopify-accelerated-checkout-button-border-radius, 4px);
        border: 0; background: #1a1a1a; color: #fff; padding: 0 16px;
      }
      button:focus-visible { outline: 2px solid #1a1a1a; outline-offset: 2px; }`;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Buy it now';
    button.addEventListener('click', () => this.#buy());
    this.#shadow.append(style, button);
  }

  /** The selected variant and quantity, as the product form would post them; nothing when the form has no variant (sold out). */
  #buy() {
    const form = this.closest('form');
    const data = form ? new FormData(form) : null;
    const id = data && data.get('id');
    if (!id) return;
    const post = document.createElement('form');
    post.method = 'post';
    post.action = `${(window.Shopify && Shopify.routes && Shopify.routes.root) || '/'}checkouts/buy-now`;
    post.hidden = true;
    for (const [name, value] of [['id', id], ['quantity', data.get('quantity') || '1']]) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = String(value);
      post.append(input);
    }
    document.body.append(post);
    post.submit();
  }
}

if (!customElements.get('shopify-accelerated-checkout')) customElements.define('shopify-accelerated-checkout', ShopifyAcceleratedCheckout);
