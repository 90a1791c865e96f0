// <pairwise-upsell>: first paint from Liquid; after each cart change, the proxy's companions from its <template>
// (the first paint stays if the proxy is down). As an app embed (data-mount) it lives in the theme's drawer.
if (!customElements.get('pairwise-upsell')) {
  customElements.define(
    'pairwise-upsell',
    class PairwiseUpsell extends HTMLElement {
      connectedCallback() {
        if (this.started) return;
        this.started = true;
        this.list = this.querySelector('[data-list]');
        this.status = this.querySelector('[data-status]');
        this.refresh = this.refresh.bind(this);
        this.addEventListener('submit', (event) => this.submit(event));
        this.addEventListener('click', (event) => {
          const card = event.target.closest('[data-product-link]')?.closest('[data-product]');
          if (card) Pairwise.track(this.dataset.proxy, 'clicked', 'cart', this.anchorOf(card), card.dataset.product);
        });
        PairwiseTheme.onCartChange(this.refresh);
        this.shown('rendered');
        Pairwise.onView(this.list, () => this.shown('viewed'));
        if (this.hasAttribute('data-mount')) this.mount();
      }

      cards() {
        return [...this.list.querySelectorAll('[data-product]')];
      }

      anchorOf(card) {
        return card.querySelector('input[name="properties[_pairwise]"]').value.split(':')[1];
      }

      shown(type) {
        this.cards().forEach((card) => Pairwise.track(this.dataset.proxy, type, 'cart', this.anchorOf(card), card.dataset.product));
      }

      // Stays in the drawer across the theme's re-renders.
      mount() {
        const drawer = PairwiseTheme.drawer();
        if (!drawer) return;
        const place = () => {
          const before = drawer.before();
          if (before && before.previousElementSibling !== this) before.before(this);
        };
        place();
        new MutationObserver(place).observe(drawer.element, {childList: true, subtree: true});
        this.hidden = !this.cards().length;
      }

      async refresh() {
        try {
          const root = Pairwise.root();
          const cart = await (await fetch(root + 'cart.js')).json();
          const inCart = new Set(cart.items.map((item) => item.product_id));
          const anchor = cart.items[0]?.product_id;
          let products = [];
          if (inCart.size) {
            const limit = Number(this.dataset.limit);
            const query = `products=${[...inCart].join(',')}&limit=${limit + inCart.size}`;
            const res = await fetch(`${this.dataset.proxy}/recommendations?${query}`);
            if (!res.ok) return;
            const {products: ids} = await res.json();
            const wanted = ids.filter((p) => !inCart.has(Number(p.id))).slice(0, limit * 2);
            const found = await Promise.all(
              wanted.map((p) =>
                fetch(`${root}products/${encodeURIComponent(p.handle)}.js`)
                  .then((r) => (r.ok ? r.json() : null))
                  .catch(() => null),
              ),
            );
            products = found
              .map((p) => p && {product: p, variant: p.variants.find((v) => v.available && v.price > 0)})
              .filter((p) => p && p.product.available && p.variant)
              .slice(0, limit);
          }
          this.render(products, anchor);
        } catch {
          // The app server or the network is down: the first paint stays.
        }
      }

      render(products, anchor) {
        const template = this.querySelector('template[data-card]');
        const hadFocus = this.list.contains(document.activeElement);
        this.list.replaceChildren(
          ...products.map(({product, variant}) => {
            const card = template.content.firstElementChild.cloneNode(true);
            const img = card.querySelector('img');
            const src = product.featured_image || '';
            const sized = (w) => `${src}${src.includes('?') ? '&' : '?'}width=${w}`;
            card.dataset.product = product.id;
            card.querySelectorAll('a').forEach((a) => (a.href = product.url));
            if (src) {
              img.src = sized(240);
              img.srcset = [80, 120, 160, 240].map((w) => `${sized(w)} ${w}w`).join(', ');
            }
            img.alt = product.title;
            card.querySelector('[data-title]').textContent = product.title;
            const price = card.querySelector('[data-price]');
            if (price) price.textContent = Pairwise.money(variant.price, this.dataset.moneyFormat);
            card.querySelector('input[name="id"]').value = variant.id;
            card.querySelector('input[name="properties[_pairwise]"]').value = `cart:${anchor}`;
            card.querySelector('button').setAttribute('aria-label', this.dataset.addLabel.replace('[title]', product.title));
            // Several variants: the shopper chooses on the product page rather than getting the first one.
            const choose = card.querySelector('[data-choose]');
            choose.hidden = product.variants.length < 2;
            choose.nextElementSibling.hidden = !choose.hidden;
            choose.setAttribute('aria-label', this.dataset.chooseLabel.replace('[title]', product.title));
            return card;
          }),
        );
        this.hidden = !products.length || (this.hasAttribute('data-mount') && !PairwiseTheme.drawer());
        // The card that had focus was replaced: keep keyboard users inside the upsell.
        if (hadFocus && !this.list.contains(document.activeElement)) this.list.querySelector(':is(button, [data-choose]):not([hidden], [hidden] *)')?.focus();
        this.shown('rendered');
      }

      async submit(event) {
        event.preventDefault();
        const form = event.target;
        const card = form.closest('[data-product]');
        const button = form.querySelector('button');
        if (button.getAttribute('aria-busy') === 'true') return;
        button.setAttribute('aria-busy', 'true');
        const property = form.elements['properties[_pairwise]'].value;
        try {
          await Pairwise.add([{id: Number(form.elements.id.value), quantity: 1, properties: {_pairwise: property}}]);
          const title = card.querySelector('.pairwise-card__title').textContent;
          this.status.textContent = this.dataset.added.replace('[items]', title);
          Pairwise.track(this.dataset.proxy, 'added', 'cart', property.split(':')[1], card.dataset.product);
        } catch {
          this.status.textContent = this.dataset.error;
        } finally {
          button.removeAttribute('aria-busy');
        }
      }
    },
  );
}
