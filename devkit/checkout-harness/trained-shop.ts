import {execFile} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {generateStore} from '../store-generator';
import type {Store, StoreProduct} from '../store-generator';
import {seedShopFile} from '../seed';
import {trainerCommand} from '../trainer-command';
import {startInstalledApp} from '../installed-app';
import type {TestApp} from '../test-app';
import type {ShopifyStandin} from '../shopify-standin';
import {publishMetafields} from '../../server/publish/metafields';
import {CART_MODEL_KEY} from '../../server/publish/cart-model-value';
import {companionsFor} from '../../server/recommend/storefront';
import {curationRepo} from '../../storage/repos/curation';
import {settingsRepo} from '../../storage/repos/settings';
import {parseShopDomain} from '../../storage/shop-domain';
import type {ShopDomain} from '../../storage/shop-domain';

const run = promisify(execFile);

/**
 * A shop with a real trained model: a generated store's orders and products written through the webhook
 * parsers, the real trainer run on it (DB mode), the merchant's curation (a pin, a pair exclusion, an excluded
 * product, an excluded tag), and the metafields published to the Shopify stand-in by the real publisher.
 */
export interface TrainedShop {
  shop: ShopDomain;
  store: Store;
  app: TestApp;
  standin: ShopifyStandin;
  /** Each product's published `$app.cart_model` value, by product id. */
  cartModels: Map<number, string>;
  /** The server's own cart upsell for these cart products (server/recommend, block 'cart'). */
  serverOffers(cart: number[], limit: number): Promise<string[]>;
  curation: {pinned: {anchor: number; pin: number}; pairExcluded: {anchor: number; companion: number}; excludedProduct: number; excludedTag: string};
  close(): Promise<void>;
}

export async function trainedShop(seed = 11): Promise<TrainedShop> {
  const shop = parseShopDomain(`checkout-${seed}.myshopify.com`)!;
  const store = generateStore({seed, orders: 600, products: 70});
  const dataDir = mkdtempSync(join(tmpdir(), 'pairwise-checkout-'));
  seedShopFile(dataDir, shop, store).close();
  await run(...trainerCommand(['--shop', shop, '--data-dir', dataDir, '--model', 'full']));

  const installed = await startInstalledApp({apiKey: `key-${seed}`, secret: `secret-${seed}-0123456789abcdef`, app: {dataDir}});
  const {standin, app} = installed;
  await installed.install(shop, {products: store.products});
  const db = app.services.shopDbs.get(shop);
  const model = await app.services.models.get(shop, db, {fresh: true});
  if (model.cart.size === 0) throw new Error('the trainer published no cart model for the fixture store');

  // The merchant's curation, chosen among products the cart model links, so each changes some answer.
  const anchors = [...model.cart.keys()];
  const top = (id: number) => model.cart.get(id)!.filter((w) => w.weight > 0).map((w) => w.id);
  const sellable = (p: StoreProduct | undefined) => p && p.status === 'active' && p.available && !p.giftCard && Number(p.price) > 0;
  const byId = new Map(store.products.map((p) => [p.id, p]));
  const pinned = {anchor: anchors[0], pin: store.products.find((p) => sellable(p) && !top(anchors[0]).includes(p.id) && p.id !== anchors[0])!.id};
  const pairExcluded = {anchor: anchors[1], companion: top(anchors[1])[0]};
  const excludedProduct = top(anchors[2]).find((id) => id !== pairExcluded.companion && sellable(byId.get(id)))!;
  const pinTags = byId.get(pinned.pin)!.tags;
  const excludedTag = store.products
    .filter((p) => top(anchors[3]).includes(p.id) && ![pairExcluded.companion, excludedProduct].includes(p.id))
    .flatMap((p) => p.tags)
    .find((t) => !pinTags.includes(t))!;
  curationRepo(db).setPins(pinned.anchor, [pinned.pin]);
  curationRepo(db).excludePair(pairExcluded.anchor, pairExcluded.companion);
  curationRepo(db).excludeProduct(excludedProduct);
  settingsRepo(db).update({excludeTags: [excludedTag]});
  await publishMetafields(app.services, shop);

  const cartModels = new Map(standin.metafields(shop).filter((m) => m.key === CART_MODEL_KEY).map((m) => [m.productId, m.value]));
  return {
    shop,
    store,
    app,
    standin,
    cartModels,
    curation: {pinned, pairExcluded, excludedProduct, excludedTag},
    async serverOffers(cart, limit) {
      const snapshot = await app.services.models.get(shop, db);
      return companionsFor(db, snapshot, cart, {block: 'cart', limit}).map((c) => String(c.id));
    },
    close: installed.close,
  };
}

/**
 * Carts to score: single products, pairs and triples of products the cart model knows and a buyer can have in a
 * checkout (published: a draft or archived product cannot be a line), from a fixed seed.
 */
export function sampleCarts(shop: Pick<TrainedShop, 'cartModels' | 'store'>, count: number, seed = 7): number[][] {
  const active = new Set(shop.store.products.filter((p) => p.status === 'active').map((p) => p.id));
  const ids = [...shop.cartModels.keys()].filter((id) => active.has(id));
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({length: count}, (_, i) => {
    const size = 1 + (i % 3);
    const cart: number[] = [];
    while (cart.length < size) {
      const id = ids[Math.floor(next() * ids.length)];
      if (!cart.includes(id)) cart.push(id);
    }
    return cart;
  });
}
