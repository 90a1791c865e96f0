import {LRUCache} from 'lru-cache';
import type {Db} from '../../storage/open';
import {servingChanges} from '../../storage/repos/model-serving';
import type {Companion} from './companions';
import type {ModelCache, ModelSnapshot} from './model-cache';
import {companionsFrom, shopFacts} from './storefront';
import type {ShopFacts} from './storefront';

/** Shops whose facts and answers are kept; the least recently asked are dropped (and read again when asked). */
const SHOPS_KEPT = 64;
/** Answers kept per shop (a product page asks for one anchor, a cart for a few); past this the shop's answers start over. */
const ANSWERS_KEPT = 20_000;

interface ShopView {
  db: Db;
  changes: number;
  model: ModelSnapshot;
  facts: ShopFacts;
  answers: Map<string, Companion[]>;
}

/**
 * The app proxy's lists, worked out once per change instead of once per request. A shop's view holds its
 * model snapshot, the facts read for it (products, pins, exclusions, settings) and every answer given, until
 * the shop file's change count (one single-row read per request: products, settings, curation or the active
 * model changed, by this process or another) or the model snapshot differs; then it starts over. So a
 * request for an anchor asked before runs no other SQL and no filtering, and a merchant's edit or the
 * trainer's publish shows at the next request.
 */
export class StorefrontLists {
  private readonly views = new LRUCache<string, ShopView>({max: SHOPS_KEPT});

  constructor(private readonly models: ModelCache) {}

  async companions(shop: string, db: Db, anchorIds: number[], opts: {limit?: number; block: 'fbt' | 'cart'}): Promise<Companion[]> {
    const changes = servingChanges(db);
    let view = this.views.get(shop);
    const changed = !view || view.db !== db || view.changes !== changes;
    const model = await this.models.get(shop, db, {fresh: changed});
    // A load awaited above may have let another request for this shop build the view meanwhile.
    view = this.views.get(shop);
    if (!view || view.db !== db || view.changes !== changes || view.model !== model) {
      view = {db, changes, model, facts: shopFacts(db), answers: new Map()};
      this.views.set(shop, view);
    }
    const key = `${opts.block} ${opts.limit ?? ''} ${anchorIds.join(',')}`;
    let answer = view.answers.get(key);
    if (!answer) {
      answer = companionsFrom(view.facts, model, anchorIds, opts);
      if (view.answers.size >= ANSWERS_KEPT) view.answers.clear();
      view.answers.set(key, answer);
    }
    return answer;
  }

  /** Drops the shop's view (its data was erased). */
  forget(shop: string): void {
    this.views.delete(shop);
  }
}
