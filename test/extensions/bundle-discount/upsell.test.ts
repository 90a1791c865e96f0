import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {savingCents} from '../../../extensions/bundle-discount/src/bundle-saving.js';
import {cartLinesDiscountsGenerateRun as run} from '../../../extensions/bundle-discount/src/index.js';
import {Catalog} from '../../../devkit/storefront/catalog';
import type {StoreProduct} from '../../../devkit/storefront/catalog';
import {renderBlock} from '../../../devkit/storefront/liquid';
import type {StorefrontGlobals} from '../../../devkit/storefront/liquid';
import {runInput} from './fixtures';

// The cart upsell says which suggestions complete a saving (snippets/pairwise-upsell-saving.liquid, real
// liquidjs): a card shows a discounted price exactly when the Discount Function, run on the cart with that
// suggestion added (one unit), discounts the suggestion, and the price is the function's with the shared rounding
// rule (bundle-saving.js). Random catalogues (some $0 products), companion lists, carts and configurations.

interface World {
  prices: number[];
  lists: number[][];
  cart: {product: number; quantity: number}[];
  config: {percentage: number; scope: 'companions' | 'bundle'; minimumItems: number; message: string};
}

const N = 10;
const world = fc.record({
  prices: fc.array(fc.oneof({weight: 1, arbitrary: fc.constant(0)}, {weight: 9, arbitrary: fc.integer({min: 1, max: 99_999})}), {minLength: N, maxLength: N}),
  lists: fc.array(fc.uniqueArray(fc.integer({min: 1, max: N}), {maxLength: 6}), {minLength: N, maxLength: N}),
  cart: fc.uniqueArray(fc.record({product: fc.integer({min: 1, max: N}), quantity: fc.integer({min: 1, max: 3})}), {minLength: 1, maxLength: 5, selector: (l) => l.product}),
  config: fc.record({percentage: fc.integer({min: 1, max: 50}), scope: fc.constantFrom('companions' as const, 'bundle' as const), minimumItems: fc.integer({min: 2, max: 4}), message: fc.constant('Together')}),
});

async function render(w: World, active = true) {
  const products: StoreProduct[] = w.prices.map((price, i) => ({id: i + 1, handle: `p${i + 1}`, title: `P${i + 1}`, price}));
  const catalog = new Catalog(products, (id) => w.lists[id - 1] ?? []);
  const product = (id: number) => catalog.liquidProduct(catalog.byId.get(id)!);
  const globals: StorefrontGlobals = {
    shop: {name: 'Test', money_format: '${{amount}}'},
    routes: {root_url: '/', cart_url: '/cart', cart_add_url: '/cart/add', cart_change_url: '/cart/change'},
    cart: {
      items: w.cart.map((l) => ({product_id: l.product, variant_id: l.product * 10 + 1, quantity: l.quantity, product: product(l.product), original_price: w.prices[l.product - 1]})),
      item_count: w.cart.length,
      total_price: 0,
    },
    app: {metafields: {pairwise: {bundle_discount: {value: {active, ...w.config}}}}},
  };
  return renderBlock('cart-upsell', globals, {settings: {max_items: 8, show_prices: true, layout: 'grid'}});
}

/** Each card's product and, when it shows a saving, its discounted price. */
function cards(html: string): Map<number, number | null> {
  const out = new Map<number, number | null>();
  for (const [card] of html.matchAll(/<li class="pairwise-card" data-product="\d+">[\s\S]*?<\/li>/g)) {
    const id = Number(/data-product="(\d+)"/.exec(card)![1]);
    const price = /data-discounted-price="(\d+)"/.exec(card);
    out.set(id, price ? Number(price[1]) : null);
  }
  return out;
}

/** The function on the cart plus one unit of `suggestion`: the suggestion's discounted unit price, or null. */
function functionPrice(w: World, suggestion: number): number | null {
  const lines = [...w.cart, {product: suggestion, quantity: 1}];
  const input = runInput(lines.map((l) => ({product: l.product, quantity: l.quantity, price: (w.prices[l.product - 1] / 100).toString(), companions: w.lists[l.product - 1]})), w.config);
  for (const op of run(input).operations) {
    for (const c of op.productDiscountsAdd.candidates) {
      for (const {cartLine} of c.targets) {
        if (Number(cartLine.id.split('/').pop()) === lines.length) {
          const price = w.prices[suggestion - 1];
          return price - savingCents(price, cartLine.quantity ?? 1, c.value.percentage.value);
        }
      }
    }
  }
  return null;
}

describe('the cart upsell shows the saving a suggestion completes', () => {
  it('for random carts: a saving on exactly the suggestions the function would discount, at its price', async () => {
    let marked = 0;
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        for (const [id, shown] of cards(await render(w))) {
          expect(shown).toBe(functionPrice(w, id));
          if (shown !== null) marked++;
        }
      }),
      {numRuns: 120},
    );
    // The property is not met by never showing a saving.
    expect(marked).toBeGreaterThan(20);
  });

  it('one suggestion: Filters complete the Kettle\'s bundle; nothing while the discount is not active', async () => {
    const w: World = {prices: [5900, 650, 2400, 1, 1, 1, 1, 1, 1, 1], lists: [[2, 3], [], [], [], [], [], [], [], [], []], cart: [{product: 1, quantity: 1}], config: {percentage: 10, scope: 'companions', minimumItems: 2, message: 'x'}};
    const html = await render(w);
    expect(cards(html)).toEqual(new Map([[2, 585], [3, 2160]]));
    expect(html).toContain('Completes a bundle: 10% off');
    expect(cards(await render(w, false))).toEqual(new Map([[2, null], [3, null]]));
  });
});
