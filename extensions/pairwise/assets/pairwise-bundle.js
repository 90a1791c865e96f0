/**
 * <pairwise-bundle>: enhances the "Frequently bought together" form. Unchecking a product disables its cart
 * fields (so even a native submit posts only the selection), a companion's variant select sets the row's
 * variant and price, the total and the bundle saving stay live, the selection goes to the cart through the theme
 * contract and the result is announced in the block's live region.
 */
if (!customElements.get('pairwise-bundle')) {
  customElements.define(
    'pairwise-bundle',
    class PairwiseBundle extends HTMLElement {
      connectedCallback() {
        this.form = this.querySelector('form');
        this.button = this.form.querySelector('button[type="submit"]');
        this.status = this.querySelector('[data-status]');
        this.anchor = this.dataset.anchor;
        this.form.addEventListener('change', (event) => {
          if (event.target.matches('select')) this.choose(event.target);
          this.update();
        });
        this.form.addEventListener('submit', (event) => this.submit(event));
        this.addEventListener('click', (event) => {
          const row = event.target.closest('[data-product-link]')?.closest('[data-companion]');
          if (row) Pairwise.track(this.dataset.proxy, 'clicked', 'fbt', this.anchor, row.dataset.product);
        });
        const companions = this.rows().filter((row) => row.hasAttribute('data-companion'));
        if (Pairwise.heldOut()) return;
        companions.forEach((row) => Pairwise.track(this.dataset.proxy, 'rendered', 'fbt', this.anchor, row.dataset.product));
        Pairwise.onView(this, () => companions.forEach((row) => Pairwise.track(this.dataset.proxy, 'viewed', 'fbt', this.anchor, row.dataset.product)));
        this.update();
      }

      rows() {
        return [...this.querySelectorAll('.pairwise-item')];
      }

      selected() {
        return this.rows().filter((row) => row.querySelector('.pairwise-item__check').checked);
      }

      money(cents) {
        return Pairwise.money(cents, this.dataset.moneyFormat);
      }

      // The select is the row's variant id field; its option carries the variant's price.
      choose(select) {
        const row = select.closest('.pairwise-item');
        row.dataset.variant = select.value;
        row.dataset.price = select.selectedOptions[0].dataset.price;
        const price = row.querySelector('.pairwise-item__price');
        if (price) price.textContent = this.money(row.dataset.price);
      }

      update() {
        const selected = this.selected();
        for (const row of this.rows()) {
          const on = selected.includes(row);
          row.querySelectorAll('input[type="hidden"], select').forEach((input) => (input.disabled = !on));
        }
        const sum = (rows) => rows.reduce((cents, row) => cents + Number(row.dataset.price), 0);
        this.querySelector('[data-total]').textContent = this.money(sum(selected));
        // The bundle saving's prices are for the whole bundle as rendered: shown only while all of it is selected.
        const saving = this.querySelector('[data-bundle-saving]');
        if (saving) {
          saving.toggleAttribute('data-partial', selected.length !== this.rows().length);
          // The chosen variants' prices, with the discount's one rounding rule per product
          // (extensions/bundle-discount/src/bundle-saving.js): round(price x percentage / 100).
          const show = (el, was, now) => {
            const [a, b] = el.querySelectorAll('[data-money]');
            a.textContent = this.money(was);
            b.textContent = this.money(now);
          };
          let off = 0;
          for (const item of saving.querySelectorAll('[data-product]')) {
            const was = sum([this.querySelector(`.pairwise-item[data-product="${item.dataset.product}"]`)]);
            const cut = Math.round((was * saving.dataset.percentage) / 100);
            off += cut;
            item.querySelector('[data-discounted-price]').dataset.discountedPrice = was - cut;
            show(item, was, was - cut);
          }
          const all = sum(this.rows());
          saving.dataset.saving = off;
          saving.querySelector('[data-bundle-total]').dataset.bundleTotal = all - off;
          show(saving.lastElementChild, all, all - off);
        }
        this.button.setAttribute('aria-disabled', String(!selected.length));
      }

      async submit(event) {
        event.preventDefault();
        const selected = this.selected();
        if (!selected.length) return this.announce(this.dataset.none);
        if (this.button.getAttribute('aria-busy') === 'true') return;
        this.button.setAttribute('aria-busy', 'true');
        const items = selected.map((row) => ({
          id: Number(row.dataset.variant),
          quantity: 1,
          ...(row.hasAttribute('data-companion') && {properties: {_pairwise: `fbt:${this.anchor}`}}),
        }));
        try {
          // The shopper chose these to buy now: the theme shows its cart (drawer or page) where it can.
          await Pairwise.add(items, {open: true});
          const titles = selected.map((row) => row.querySelector('.pairwise-item__title').textContent);
          const list = new Intl.ListFormat(document.documentElement.lang || undefined).format(titles);
          this.announce(this.dataset.added.replace('[items]', list));
          selected
            .filter((row) => row.hasAttribute('data-companion'))
            .forEach((row) => Pairwise.track(this.dataset.proxy, 'added', 'fbt', this.anchor, row.dataset.product));
        } catch {
          this.announce(this.dataset.error);
        } finally {
          this.button.removeAttribute('aria-busy');
        }
      }

      announce(message) {
        this.status.textContent = message;
      }
    },
  );
}
