import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {savingCents} from '../../../extensions/bundle-discount/src/bundle-saving.js';
import {cartLinesDiscountsGenerateRun as run} from '../../../extensions/bundle-discount/src/index.js';
import {Catalog} from '../../../devkit/storefront/catalog';
import type {StoreProduct} from '../../../devkit/storefront/catalog';
import {renderBlock} from '../../../devkit/storefront/liquid';
import type {StorefrontGlobals} from '../../../devkit/storefront/liquid';
import {runInput} from './fixtures';

// The product block's displayed saving (snippets/pairwise-bundle-saving.liquid, real liquidjs) equals what the
// Discount Function gives for a cart of that bundle, one of each, priced with the shared rounding rule
// (bundle-saving.js): per product and in total, for random catalogues, companion lists and configurations.

interface World {
  prices: number[];
  lists: number[][];
  config: {percentage: number; scope: 'companions' | 'bundle'; minimumItems: number; message: string};
}

const N = 8;
const world = fc.record({
  prices: fc.array(fc.integer({min: 1, max: 99_999}), {minLength: N, maxLength: N}),
  lists: fc.array(fc.uniqueArray(fc.integer({min: 1, max: N}), {maxLength: 5}), {minLength: N, maxLength: N}),
  config: fc.record({percentage: fc.integer({min: 1, max: 50}), scope: fc.constantFrom('companions' as const, 'bundle' as const), minimumItems: fc.integer({min: 2, max: 4}), message: fc.constant('Together')}),
});

async function render(w: World, active = true) {
  const products: StoreProduct[] = w.prices.map((price, i) => ({id: i + 1, handle: `p${i + 1}`, title: `P${i + 1}`, price}));
  const catalog = new Catalog(products, (id) => w.lists[id - 1] ?? []);
  const globals: StorefrontGlobals = {
    shop: {name: 'Test', money_format: '${{amount}}'},
    routes: {root_url: '/', cart_url: '/cart', cart_add_url: '/cart/add', cart_change_url: '/cart/change'},
    cart: {items: [], item_count: 0, total_price: 0},
    product: catalog.liquidProduct(catalog.byId.get(1)!),
    app: {metafields: {pairwise: {bundle_discount: {value: {active, ...w.config}}}}},
  };
  return renderBlock('frequently-bought-together', globals, {settings: {max_items: 5}});
}

/** What the block shows: the products of the bundle, and the discounted price of each discounted one. */
function shown(html: string) {
  const rows = [...html.matchAll(/class="pairwise-item"\s+data-product="(\d+)"/g)].map((m) => Number(m[1]));
  const discounted = new Map([...html.matchAll(/class="pairwise-saving__item" data-product="(\d+)">[\s\S]*?data-discounted-price="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]));
  const saving = Number(/data-saving="(\d+)"/.exec(html)?.[1] ?? 0);
  const total = /data-bundle-total="(\d+)"/.exec(html);
  return {rows, discounted, saving, total: total ? Number(total[1]) : null};
}

/** The function on a cart of those rows, one of each, with the shared rounding rule. */
function functionSaving(w: World, rows: number[]) {
  const input = runInput(rows.map((id) => ({product: id, price: (w.prices[id - 1] / 100).toString(), companions: w.lists[id - 1]})), w.config);
  const perProduct = new Map<number, number>();
  for (const op of run(input).operations) {
    for (const c of op.productDiscountsAdd.candidates) {
      for (const {cartLine} of c.targets) {
        const index = Number(cartLine.id.split('/').pop()) - 1;
        perProduct.set(rows[index], savingCents(w.prices[rows[index] - 1], cartLine.quantity ?? 1, c.value.percentage.value));
      }
    }
  }
  return perProduct;
}

describe('the block shows the saving the function gives', () => {
  it('for random bundles: the same products, prices and total', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const view = shown(await render(w));
        const expected = functionSaving(w, view.rows);
        expect([...view.discounted.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [id, off] of expected) expect(view.discounted.get(id)).toBe(w.prices[id - 1] - off);
        const totalOff = [...expected.values()].reduce((a, b) => a + b, 0);
        expect(view.saving).toBe(totalOff);
        if (expected.size) expect(view.total).toBe(view.rows.reduce((n, id) => n + w.prices[id - 1], 0) - totalOff);
        else expect(view.total).toBeNull();
      }),
      {numRuns: 60},
    );
  });

  it('shows nothing while the discount is not active on Shopify', async () => {
    const w: World = {prices: [5900, 650, 2400, 1, 1, 1, 1, 1], lists: [[2, 3], [], [], [], [], [], [], []], config: {percentage: 10, scope: 'companions', minimumItems: 2, message: 'x'}};
    expect(await render(w)).toContain('Save 10% when bought together');
    expect(shown(await render(w)).discounted).toEqual(new Map([[2, 585], [3, 2160]]));
    expect(await render(w, false)).not.toContain('data-bundle-saving');
  });
});
