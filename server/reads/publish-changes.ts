import type {Db} from '../../storage/open';
import {curationRepo} from '../../storage/repos/curation';
import {metafieldStateRepo} from '../../storage/repos/metafield-state';
import {modelProducts} from '../../storage/repos/model-serving';
import {settingsRepo} from '../../storage/repos/settings';
import type {Candidate, CartWeight} from '../../domain/model';
import {cartModelValue} from '../publish/cart-model-value';
import {METAFIELD_LIST_LENGTH, productChange} from '../publish/product-change';
import type {ProductChange} from '../publish/product-change';
import type {ModelLists} from '../recommend/model-cache';
import {companionsFrom, shopFacts} from '../recommend/storefront';

// One step of a metafield publish, run on a read thread (read-ops.ts): the next few hundred products' lists and
// cart-model values worked out from the shop's read-only handle, and only what changed sent back. Until [T] round
// 4 this ran on the event loop in 4 ms slices, the largest share of the loop's work beside a merchant saving
// settings (about 0.9 s per isolation bench run, and every shop's requests waited behind each slice).

/**
 * A step ends at whichever comes first. Products: what the next step's read of ids asks for. Time: the shop's
 * own admin reads wait behind a step on its turn (read-pool.ts). Bytes of values: the event loop takes the answer
 * as one structured clone, which a step of 500 cart models (up to 100 weights each) would make a long one.
 */
export const STEP_PRODUCTS = 500;
const STEP_MS = 10;
const STEP_BYTES = 256 * 1024;

/** Where a step starts: after a product id (every list the shop has or had), or at a list of products named by the caller. */
export type StepFrom = {after: number} | {ids: number[]};

export interface PublishStep {
  changes: ProductChange[];
  unchanged: number;
  /** How many products the step worked through (named ids: the first `count` of them). */
  count: number;
  /** The last product worked through, where the next step starts; null when none was. */
  through: number | null;
  /** Every product after `after` is done: no step need follow. */
  end: boolean;
  /** The version is gone from the file (replaced twice since the publish began): nothing was worked out. */
  superseded: boolean;
}

/**
 * The next step of publishing `version`'s lists (null: the shop has no model; only pins and promoted bundles
 * give lists). Every list of the shop is, in id order, each product that has companions or cart weights in the
 * version, that the merchant pinned to or promoted in a bundle, or that was published before (a list that is now
 * empty is deleted). Read in one transaction, so the step sees one state of the file.
 */
export function publishStep(db: Db, version: number | null, from: StepFrom): PublishStep {
  return db.transaction((): PublishStep => {
    const model = modelProducts(db);
    if (version !== null && !model.exists(version)) return {changes: [], unchanged: 0, count: 0, through: null, end: true, superseded: true};
    const state = metafieldStateRepo(db);
    const ids = 'ids' in from ? from.ids : nextProducts(db, version, from.after);
    const lists: ModelLists = {
      companions: {get: (id): Candidate[] => (version === null ? [] : model.companions(version, id))},
      cart: {get: (id): CartWeight[] => (version === null ? [] : model.cart(version, id))},
    };
    const facts = shopFacts(db);
    const started = performance.now();
    const changes: ProductChange[] = [];
    let unchanged = 0;
    let bytes = 0;
    let count = 0;
    for (const productId of ids) {
      if (count > 0 && (performance.now() - started > STEP_MS || bytes > STEP_BYTES)) break;
      const companions = companionsFrom(facts, lists, [productId], {limit: METAFIELD_LIST_LENGTH, block: 'fbt'}).map((c) => c.id);
      const cartValue = cartModelValue(facts, lists, productId);
      const change = productChange(productId, state.hash(productId), companions, cartValue && JSON.stringify(cartValue));
      if (change) {
        changes.push(change);
        bytes += (change.list?.length ?? 0) + (change.cart?.length ?? 0);
      } else unchanged += 1;
      count += 1;
    }
    const end = 'after' in from && count === ids.length && ids.length < STEP_PRODUCTS;
    return {changes, unchanged, count, through: count ? ids[count - 1] : null, end, superseded: false};
  })();
}

/** Up to STEP_PRODUCTS of the shop's lists after `after`, in id order (see publishStep). */
function nextProducts(db: Db, version: number | null, after: number): number[] {
  const later = (ids: Iterable<number>) => [...ids].filter((id) => id > after);
  const ids = new Set([
    ...(version === null ? [] : modelProducts(db).after(version, after, STEP_PRODUCTS)),
    ...metafieldStateRepo(db).publishedAfter(after, STEP_PRODUCTS),
    // A merchant's pins and one promoted bundle: a few products, read whole.
    ...later(curationRepo(db).pinnedProducts()),
    ...later(settingsRepo(db).get().promotedBundle ?? []),
  ]);
  return [...ids].sort((a, b) => a - b).slice(0, STEP_PRODUCTS);
}
