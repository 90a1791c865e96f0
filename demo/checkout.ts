import {CheckoutHarness} from '../devkit/checkout-harness';
import {extensionSessionToken} from '../devkit/checkout-harness/session-token';
import type {ShopifyStandin} from '../devkit/shopify-standin';
import type {StoreProduct} from '../devkit/store-generator';
import type {ShopDomain} from '../storage/shop-domain';

/** Products tried as the checkout's line before the demo gives up on showing the extension. */
const MAX_CANDIDATES = 50;

/** The demo's checkout and thank-you pages: the checkout UI extension in the devkit harness, over the demo store. */
export interface DemoCheckout {
  /** The checkout (Plus) with `lines` in it: the extension's one offer below the lines. */
  checkout: string;
  /** The thank-you page of an order of the same lines: "Complete the set". */
  thankYou: string;
  lines: number[];
  close(): Promise<void>;
}

/**
 * Starts the harness on the stand-in's products and the metafields the demo's training published, with the
 * extension's events sent to the demo's app (signed with its secret, as Shopify signs the extension's session
 * token). The lines are one product the cart model gives companions to (`cart_model` metafield) for which the
 * server's own cart upsell has an offer (`serverOffers`: the extension ranks exactly as it does), the featured
 * one where it qualifies, so the pages show what the model offers rather than an empty block. A product whose
 * weighted companions are all sold out or above the price cap has a metafield and no offer.
 */
export async function startDemoCheckout(opts: {
  standin: ShopifyStandin;
  shop: ShopDomain;
  products: StoreProduct[];
  featured: StoreProduct | undefined;
  currency: string;
  app: {url: string; apiKey: string; secret: string};
  serverOffers(lines: number[]): Promise<number[]>;
}): Promise<DemoCheckout | null> {
  const {standin, shop} = opts;
  const withCartModel = new Set(standin.metafields(shop).filter((m) => m.key === 'cart_model').map((m) => m.productId));
  const candidates = [opts.featured, ...opts.products].filter((p): p is StoreProduct => !!p && withCartModel.has(p.id) && p.available && p.status === 'active');
  let anchor: StoreProduct | undefined;
  for (const p of candidates.slice(0, MAX_CANDIDATES)) {
    if ((await opts.serverOffers([p.id])).length) {
      anchor = p;
      break;
    }
  }
  if (!anchor) return null;
  const harness = await CheckoutHarness.start({
    products: () => opts.products,
    metafields: () => standin.metafields(shop),
    appId: standin.appId,
    currency: opts.currency,
    appUrl: opts.app.url,
    sessionToken: () => extensionSessionToken({shop, apiKey: opts.app.apiKey, secret: opts.app.secret}),
  });
  const lines = [anchor.id];
  return {
    checkout: harness.page({target: 'purchase.checkout.cart-line-list.render-after', lines}),
    thankYou: harness.page({target: 'purchase.thank-you.block.render', lines}),
    lines,
    close: () => harness.close(),
  };
}
