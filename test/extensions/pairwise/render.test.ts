import {describe, expect, it} from 'vitest';
import {Catalog} from '../../../devkit/storefront/catalog';
import type {StoreProduct} from '../../../devkit/storefront/catalog';
import {renderBlock} from '../../../devkit/storefront/liquid';
import type {StorefrontGlobals} from '../../../devkit/storefront/liquid';

const anchor: StoreProduct = {id: 1, handle: 'kettle', title: 'Kettle', price: 5900};
const products: Record<string, StoreProduct> = {
  filters: {id: 2, handle: 'filters', title: 'Filters', price: 650},
  dripper: {id: 3, handle: 'dripper', title: 'Dripper', price: 2400},
  soldOut: {id: 4, handle: 'grinder', title: 'Grinder', price: 12900, available: false},
  draft: {id: 5, handle: 'server', title: 'Glass Server', price: 2900, status: 'draft'},
  giftCard: {id: 6, handle: 'gift-card', title: 'Gift Card', price: 2500, giftCard: true},
  free: {id: 7, handle: 'sample', title: 'Free Sample', price: 0},
  beans: {id: 8, handle: 'beans', title: 'Beans & Co', price: 1450},
};
const deleted = 99;

function setup(list: number[], cartIds: number[] = []) {
  const catalog = new Catalog([anchor, ...Object.values(products)], (id) => (id === anchor.id ? list : []));
  const product = (id: number) => catalog.liquidProduct(catalog.byId.get(id)!);
  const globals: StorefrontGlobals = {
    shop: {name: 'Test', money_format: '${{amount}}'},
    routes: {root_url: '/', cart_url: '/cart', cart_add_url: '/cart/add', cart_change_url: '/cart/change'},
    cart: {
      items: cartIds.map((id) => ({product_id: id, variant_id: id * 10 + 1, quantity: 1, product: product(id)})),
      item_count: cartIds.length,
      total_price: 0,
    },
    product: product(anchor.id),
  };
  return globals;
}

/** Product ids of the companion rows, in order. */
const companions = (html: string) => [...html.matchAll(/data-product="(\d+)"[^>]*?\s+data-companion/g)].map((m) => Number(m[1]));
const cards = (html: string) => [...html.matchAll(/class="pairwise-card" data-product="(\d+)"/g)].map((m) => Number(m[1]));

const {filters, dripper, soldOut, draft, giftCard, free, beans} = products;

describe('frequently-bought-together block', () => {
  it.each([
    ['an empty list', [], [], []],
    ['only sold-out companions', [soldOut.id], [], []],
    ['only a deleted product', [deleted], [], []],
    ['a deleted product among others', [deleted, filters.id], [], [filters.id]],
    ['a draft product', [draft.id, dripper.id], [], [dripper.id]],
    ['a gift card', [giftCard.id, filters.id], [], [filters.id]],
    ['a $0 product', [free.id, filters.id], [], [filters.id]],
    ['a companion already in the cart', [filters.id, dripper.id], [filters.id], [dripper.id]],
    ['the anchor itself', [anchor.id, dripper.id], [], [dripper.id]],
    ['pins first: list order is kept', [beans.id, dripper.id], [], [beans.id, dripper.id]],
    ['more than max_items (2)', [beans.id, dripper.id, filters.id], [], [beans.id, dripper.id]],
  ])('%s', async (_case, list, cart, expected) => {
    const html = await renderBlock('frequently-bought-together', setup(list, cart));
    expect(companions(html)).toEqual(expected);
    if (!expected.length) expect(html.trim()).toBe('');
    else expect(html).toContain('<h2 class="pairwise__heading"');
  });

  it('renders a form that posts every row to /cart/add with the attribution property on companions', async () => {
    const html = await renderBlock('frequently-bought-together', setup([filters.id, dripper.id]));
    expect(html).toContain('action="/cart/add" method="post"');
    expect(html.match(/name="items\[\]\[id\]"/g)).toHaveLength(3);
    expect(html.match(/name="items\[\]\[properties\]\[_pairwise\]" value="fbt:1"/g)).toHaveLength(2);
    expect(html).toContain('data-total>$89.50<');
  });

  it('uses image_url widths with srcset, lazy loading and explicit dimensions', async () => {
    const html = await renderBlock('frequently-bought-together', setup([filters.id]));
    expect(html).toMatch(/<img src="\/images\/filters\.svg\?width=240"[^>]*srcset="[^"]*80w[^"]*240w"[^>]*width="240" height="240" loading="lazy"/);
  });

  it('escapes titles and honours the merchant settings', async () => {
    const html = await renderBlock('frequently-bought-together', setup([beans.id]), {
      settings: {heading: 'Complete <the> set', button_text: 'Buy both', show_prices: false, layout: 'stack', accent: '#ff0000'},
    });
    expect(html).toContain('Complete &lt;the&gt; set');
    expect(html).toContain('Beans &amp; Co');
    expect(html).toContain('>Buy both<');
    expect(html).not.toContain('pairwise-item__price');
    expect(html).toContain('pairwise--stack');
    expect(html).toContain('--pairwise-accent: #ff0000;');
  });

  it.each([
    ['fr', 'Souvent achetés ensemble', '$89.50'],
    ['ja', 'よく一緒に購入されている商品', '$89.50'],
  ] as const)('translates into %s', async (locale, heading, total) => {
    const html = await renderBlock('frequently-bought-together', setup([filters.id, dripper.id]), {locale});
    expect(html).toContain(heading);
    expect(html).toContain(total);
    expect(html).not.toContain('translation missing');
  });
});

describe('the app proxy path the blocks hand their scripts', () => {
  // routes.root_url is "/" at the primary root and "/fr" (no trailing slash) under a locale or market prefix.
  it.each([
    ['/', '/apps/pairwise'],
    ['/fr', '/fr/apps/pairwise'],
    ['/en-ca', '/en-ca/apps/pairwise'],
  ])('root_url %s gives data-proxy %s on both blocks', async (rootUrl, proxy) => {
    const globals = setup([filters.id], [anchor.id]);
    globals.routes = {...globals.routes, root_url: rootUrl};
    for (const block of ['frequently-bought-together', 'cart-upsell', 'cart-upsell-embed']) {
      const html = await renderBlock(block, globals);
      expect([...html.matchAll(/data-proxy="([^"]*)"/g)].map((m) => m[1])).toEqual([proxy]);
    }
  });
});

describe('cart-upsell block', () => {
  it.each([
    ['an empty cart', [], [], []],
    ['companions all in the cart or unbuyable', [filters.id, soldOut.id, draft.id, giftCard.id, free.id, deleted], [anchor.id, filters.id], []],
    ['companions of the cart, minus what it holds', [filters.id, dripper.id, beans.id], [anchor.id, dripper.id], [filters.id, beans.id]],
  ])('%s', async (_case, list, cart, expected) => {
    const html = await renderBlock('cart-upsell', setup(list, cart));
    expect(cards(html)).toEqual(expected);
    // Hidden (no visible heading) when there is nothing to show; the script may fill it after a cart change.
    expect(/<pairwise-upsell[^>]*\shidden\s/.test(html)).toBe(!expected.length);
  });

  it('one-click forms carry the cart anchor in _pairwise', async () => {
    const html = await renderBlock('cart-upsell', setup([filters.id], [anchor.id]));
    expect(html).toContain('name="properties[_pairwise]" value="cart:1"');
    expect(html).toContain('aria-label="Add Filters to cart"');
  });

  it('the app embed starts hidden until its script mounts it in a cart drawer', async () => {
    const html = await renderBlock('cart-upsell-embed', setup([filters.id], [anchor.id]));
    expect(html).toMatch(/<pairwise-upsell[^>]*data-mount[^>]*hidden/);
    expect(cards(html)).toEqual([filters.id]);
  });
});
