import {LRUCache} from 'lru-cache';
import type {Db} from '../../storage/open';
import {servingChanges} from '../../storage/repos/model-serving';
import type {Companion} from './companions';
import type {ModelCache, ModelSnapshot} from './model-cache';
import {companionsFrom, shopFacts} from './storefront';
import type {ShopFacts} from './storefront';

/** Answers kept per shop (a product page asks for one anchor, a cart for a few); past this the shop's answers start over. */
const ANSWERS_KEPT = 20_000;

interface ShopView {
  db: Db;
  changes: number;
  facts: ShopFacts;
  answers: Map<string, Companion[]>;
}

/**
 * The app proxy's lists, worked out once per change instead of once per request. A shop's view of its model
 * snapshot holds the facts read for it (products, pins, exclusions, settings) and every answer given, until
 * the shop file's change count (one single-row read per request: products, settings, curation or the active
 * model changed, by this process or another) moves or another snapshot serves; then it starts over. So a
 * request for an anchor asked before runs no other SQL and no filtering, and a merchant's edit or the
 * trainer's publish shows at the next request.
 */
export class StorefrontLists {
  /**
   * Views by the model snapshot they were worked out for: a view lives only as long as its snapshot does, so
   * the model cache's byte bound is the bound (holding views by shop kept dropped models alive: 2.8 GiB RSS
   * after 40 shops of 20k products in rotation, against the cache's 512 MiB).
   */
  private readonly views = new WeakMap<ModelSnapshot, ShopView>();
  /** Each shop's change count at its last request: a new count reads the active pointer afresh. */
  private readonly seen = new LRUCache<string, number>({max: 10_000});

  constructor(private readonly models: ModelCache) {}

  async companions(shop: string, db: Db, anchorIds: number[], opts: {limit?: number; block: 'fbt' | 'cart'}): Promise<Companion[]> {
    const changes = servingChanges(db);
    const fresh = this.seen.get(shop) !== changes;
    this.seen.set(shop, changes);
    const model = await this.models.get(shop, db, {fresh});
    let view = this.views.get(model);
    if (!view || view.db !== db || view.changes !== changes) {
      view = {db, changes, facts: shopFacts(db), answers: new Map()};
      this.views.set(model, view);
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
}
