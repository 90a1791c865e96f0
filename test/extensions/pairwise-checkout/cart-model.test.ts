import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {chooseOffers, compareIds, parseCartModel, rankForCart} from '../../../extensions/pairwise-checkout/src/cart-model';
import type {LiveProduct} from '../../../extensions/pairwise-checkout/src/cart-model';
import type {StoreProduct} from '../../../devkit/store-generator';
import {sampleCarts, trainedShop} from '../../../devkit/checkout-harness/trained-shop';
import type {TrainedShop} from '../../../devkit/checkout-harness/trained-shop';

// The extension's scoring (extensions/pairwise-checkout/src/cart-model.ts) against the server's own cart upsell
// (server/recommend/companions.ts) on a real trained model: the metafields the real publisher wrote are all the
// extension gets, and what the Storefront API would say of each product stands in for the live facts.

let shop: TrainedShop;
beforeAll(async () => {
  shop = await trainedShop();
}, 120_000);
afterAll(() => shop?.close());

/** What the Storefront API answers for a product: nothing for a draft or archived one (not published). */
const live = (p: StoreProduct): LiveProduct | undefined =>
  p.status === 'active' ? {availableForSale: p.available, isGiftCard: p.giftCard, price: Number(p.price)} : undefined;

function extensionOffers(cart: number[], limit: number): string[] {
  const products = cart.map((id) => ({id: String(id), model: parseCartModel(shop.cartModels.get(id))}));
  const facts = new Map(shop.store.products.flatMap((p) => (live(p) ? [[String(p.id), live(p)!] as const] : [])));
  const prices = cart.map((id) => facts.get(String(id))?.price ?? 0);
  return chooseOffers(rankForCart(products), facts, prices, limit);
}

describe('the checkout extension scores a cart as the server does', () => {
  it('gives the server cart upsell answer, in order, for 300 carts of a trained model', async () => {
    const carts = sampleCarts(shop, 300);
    let answered = 0;
    for (const cart of carts) {
      const server = await shop.serverOffers(cart, 4);
      expect(extensionOffers(cart, 4), `cart ${cart.join(',')}`).toEqual(server);
      if (server.length) answered += 1;
    }
    // Most carts get offers: the comparison is not between two empty lists.
    expect(answered).toBeGreaterThan(carts.length / 2);
  });

  it('honours the merchant: the pin first, the pair exclusion, the excluded product and tag never', async () => {
    const {pinned, pairExcluded, excludedProduct, excludedTag} = shop.curation;
    expect(extensionOffers([pinned.anchor], 4)[0]).toBe(String(pinned.pin));
    expect(extensionOffers([pairExcluded.anchor], 10)).not.toContain(String(pairExcluded.companion));
    const tagged = new Set(shop.store.products.filter((p) => p.tags.includes(excludedTag)).map((p) => String(p.id)));
    for (const cart of sampleCarts(shop, 100, 3)) {
      const offers = extensionOffers(cart, 10);
      expect(offers).not.toContain(String(excludedProduct));
      expect(offers.filter((id) => tagged.has(id))).toEqual([]);
    }
  });

  it('never offers what is in the cart, sold out, a gift card or free', () => {
    const byId = new Map(shop.store.products.map((p) => [String(p.id), p]));
    let rankedUnsellable = 0;
    for (const cart of sampleCarts(shop, 200, 5)) {
      const products = cart.map((id) => ({id: String(id), model: parseCartModel(shop.cartModels.get(id))}));
      for (const r of rankForCart(products).ranked) {
        const p = byId.get(r.id);
        if (p && (!p.available || p.giftCard || Number(p.price) <= 0 || p.status !== 'active')) rankedUnsellable += 1;
      }
      for (const id of extensionOffers(cart, 10)) {
        const p = byId.get(id)!;
        expect(cart.map(String)).not.toContain(id);
        expect(p.available && !p.giftCard && Number(p.price) > 0 && p.status === 'active').toBe(true);
      }
    }
    // The model does rank products a buyer cannot buy: the filter is what keeps them out.
    expect(rankedUnsellable).toBeGreaterThan(0);
  });

  it('reads a missing or foreign metafield as no model, and orders ids past 2^53 exactly', () => {
    expect(parseCartModel(undefined)).toBeNull();
    expect(parseCartModel('not json')).toBeNull();
    expect(parseCartModel('{"weights": [[1, 0.5]], "pins": [], "excluded": [], "priceRatio": 1}')).toBeNull();
    expect(rankForCart([{id: '1', model: null}])).toEqual({pins: [], ranked: [], priceRatio: 1});
    const model = {weights: [['30', 1], ['20', 1], ['100', 1], ['40', 2]] as [string, number][], pins: [], excluded: [], priceRatio: 1};
    expect(rankForCart([{id: '1', model}]).ranked.map((r) => r.id)).toEqual(['40', '20', '30', '100']);
    expect(['9007199254740993', '9007199254740992', '10'].sort(compareIds)).toEqual(['10', '9007199254740992', '9007199254740993']);
  });
});
