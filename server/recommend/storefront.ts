import type {Db} from '../../storage/open';
import {curationRepo} from '../../storage/repos/curation';
import {productsRepo} from '../../storage/repos/products';
import {settingsRepo} from '../../storage/repos/settings';
import {selectCompanions} from './companions';
import type {Companion, ShowableProduct} from './companions';
import type {ModelSnapshot} from './model-cache';

/**
 * What the storefront shows for these anchors right now: the active model's lists with the merchant's pins,
 * exclusions and settings applied, and only products a shopper can buy. Used by the app proxy and the
 * metafield publisher, so first paint and refresh agree.
 */
export function companionsFor(
  db: Db,
  model: ModelSnapshot,
  anchorIds: number[],
  opts: {limit?: number; exclude?: ReadonlySet<number>; block: 'fbt' | 'cart'},
): Companion[] {
  const products = productsRepo(db);
  const curation = curationRepo(db);
  const settings = settingsRepo(db).get();
  const cache = new Map<number, ShowableProduct | undefined>();
  return selectCompanions(
    {
      candidates: (id) => model.companions.get(id) ?? [],
      cartWeights: (id) => model.cart.get(id) ?? [],
      product: (id) => {
        if (!cache.has(id)) {
          const p = products.get(id);
          cache.set(id, p && {id, handle: p.handle, status: p.status, available: p.available, price: p.price, giftCard: p.giftCard === true, tags: p.tags.split(',').map((t) => t.trim()), productType: p.productType, vendor: p.vendor});
        }
        return cache.get(id);
      },
      // A bundle the merchant promoted comes first on its members' pages, after their own pins.
      pins: (id) => {
        const pins = curation.pins(id);
        const bundle = settings.promotedBundle;
        return bundle?.includes(id) ? [...pins, ...bundle.filter((m) => m !== id && !pins.includes(m))] : pins;
      },
      pairExcluded: (id) => curation.pairExclusions(id),
      productExcluded: (id) => curation.isProductExcluded(id),
      settings,
    },
    anchorIds,
    {limit: opts.limit ?? settings.maxItems, exclude: opts.exclude, block: opts.block},
  );
}
