import type {Db} from '../../storage/open';
import {curationRepo} from '../../storage/repos/curation';
import {productsRepo} from '../../storage/repos/products';
import {settingsRepo} from '../../storage/repos/settings';
import type {Settings} from '../../domain/settings';
import {selectCompanions} from './companions';
import type {Companion, ShowableProduct} from './companions';
import type {ModelLists, ModelSnapshot} from './model-cache';

/** What the selection reads of a shop besides its model: products, the merchant's curation and settings. */
export interface ShopFacts {
  product(id: number): ShowableProduct | undefined;
  pins(anchorId: number): number[];
  pairExcluded(anchorId: number): number[];
  productExcluded(id: number): boolean;
  settings: Settings;
}

/**
 * The shop's facts read from its file as they are asked for, each read once and then remembered: for one
 * publish or admin call, or (the app proxy) for as long as the shop file holds no change to them.
 */
export function shopFacts(db: Db): ShopFacts {
  const products = productsRepo(db);
  const curation = curationRepo(db);
  const settings = settingsRepo(db).get();
  const product = new Map<number, ShowableProduct | undefined>();
  const pins = new Map<number, number[]>();
  const pairExcluded = new Map<number, number[]>();
  const productExcluded = new Map<number, boolean>();
  const remembered = <K, V>(memo: Map<K, V>, key: K, read: (key: K) => V): V => {
    if (memo.has(key)) return memo.get(key)!;
    const value = read(key);
    memo.set(key, value);
    return value;
  };
  return {
    product: (id) =>
      remembered(product, id, () => {
        const p = products.get(id);
        return p && {id, handle: p.handle, status: p.status, available: p.available, price: p.price, giftCard: p.giftCard === true, tags: p.tags.split(',').map((t) => t.trim()), productType: p.productType, vendor: p.vendor};
      }),
    // A bundle the merchant promoted comes first on its members' pages, after their own pins.
    pins: (id) =>
      remembered(pins, id, () => {
        const own = curation.pins(id);
        const bundle = settings.promotedBundle;
        return bundle?.includes(id) ? [...own, ...bundle.filter((m) => m !== id && !own.includes(m))] : own;
      }),
    pairExcluded: (id) => remembered(pairExcluded, id, () => curation.pairExclusions(id)),
    productExcluded: (id) => remembered(productExcluded, id, () => curation.isProductExcluded(id)),
    settings,
  };
}

/** The selection over facts already at hand (see companionsFor). */
export function companionsFrom(
  facts: ShopFacts,
  model: ModelLists,
  anchorIds: number[],
  opts: {limit?: number; exclude?: ReadonlySet<number>; block: 'fbt' | 'cart'},
): Companion[] {
  return selectCompanions(
    {
      candidates: (id) => model.companions.get(id) ?? [],
      cartWeights: (id) => model.cart.get(id) ?? [],
      product: facts.product,
      pins: facts.pins,
      pairExcluded: facts.pairExcluded,
      productExcluded: facts.productExcluded,
      settings: facts.settings,
    },
    anchorIds,
    {limit: opts.limit ?? facts.settings.maxItems, exclude: opts.exclude, block: opts.block},
  );
}

/**
 * What the storefront shows for these anchors right now: the active model's lists with the merchant's pins,
 * exclusions and settings applied, and only products a shopper can buy. Used by the app proxy (through
 * StorefrontLists, which keeps the facts between requests), the metafield publisher and the admin preview,
 * so first paint and refresh agree.
 */
export function companionsFor(
  db: Db,
  model: ModelSnapshot,
  anchorIds: number[],
  opts: {limit?: number; exclude?: ReadonlySet<number>; block: 'fbt' | 'cart'},
): Companion[] {
  return companionsFrom(shopFacts(db), model, anchorIds, opts);
}
