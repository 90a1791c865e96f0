// Dawn-lite: the few theme pieces the blocks integrate with, written the way Dawn writes them (pubsub.js and
// constants.js as classic-script globals, cart-items and cart-drawer custom elements using the Section Rendering API).
const PUB_SUB_EVENTS = {cartUpdate: 'cart-update'};
const subscribers = {};

function subscribe(eventName, callback) {
  (subscribers[eventName] ||= []).push(callback);
  return () => (subscribers[eventName] = subscribers[eventName].filter((cb) => cb !== callback));
}

function publish(eventName, data) {
  return Promise.all((subscribers[eventName] || []).map((cb) => cb(data)));
}

const sectionInnerHTML = (html, selector) =>
  new DOMParser().parseFromString(html, 'text/html').querySelector(selector).innerHTML;

customElements.define(
  'cart-items',
  class extends HTMLElement {
    connectedCallback() {
      subscribe(PUB_SUB_EVENTS.cartUpdate, async (event) => {
        if (event.source === 'cart-items') return;
        const html = await (await fetch(`${Shopify.routes.root}cart?section_id=main-cart`)).text();
        this.innerHTML = sectionInnerHTML(html, '.shopify-section');
      });
    }
  },
);

customElements.define(
  'cart-drawer',
  class extends HTMLElement {
    getSectionsToRender() {
      return [{id: 'cart-drawer', selector: '#CartDrawer'}, {id: 'cart-icon-bubble', selector: '.shopify-section'}];
    }
    renderContents(parsedState) {
      for (const section of this.getSectionsToRender()) {
        const target = section.id === 'cart-drawer' ? this.querySelector('#CartDrawer') : document.getElementById(section.id);
        target.innerHTML = sectionInnerHTML(parsedState.sections[section.id], section.selector);
      }
      this.classList.add('active');
    }
  },
);
