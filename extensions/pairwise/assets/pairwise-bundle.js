/**
 * <pairwise-bundle>: enhances the "Frequently bought together" form. Unchecking a product disables its hidden
 * cart fields (so even a native submit posts only the selection), keeps the total live, adds the selection
 * through the Ajax Cart API and announces the result in the block's live region.
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
        this.form.addEventListener('change', () => this.update());
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

      update() {
        const selected = this.selected();
        for (const row of this.rows()) {
          const on = selected.includes(row);
          row.querySelectorAll('input[type="hidden"]').forEach((input) => (input.disabled = !on));
        }
        const total = selected.reduce((sum, row) => sum + Number(row.dataset.price), 0);
        this.querySelector('[data-total]').textContent = Pairwise.money(total, this.dataset.moneyFormat);
        // The bundle saving's prices are for the whole bundle as rendered: shown only while all of it is selected.
        this.querySelector('[data-bundle-saving]')?.toggleAttribute('data-partial', selected.length !== this.rows().length);
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
