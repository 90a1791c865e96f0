import {perDb} from '../per-db';
import type {Db} from '../open';

/**
 * pins, pair_exclusions, product_exclusions: the merchant's manual curation. It applies on top of whatever
 * model is active, so it survives retraining and takes effect without one.
 */
function createCurationRepo(db: Db) {
  const pins = db.prepare<[number], {companion_id: number}>(
    'SELECT companion_id FROM pins WHERE product_id = ? ORDER BY position',
  );
  const clearPins = db.prepare('DELETE FROM pins WHERE product_id = ?');
  const insertPin = db.prepare('INSERT INTO pins (product_id, companion_id, position, created_at) VALUES (?, ?, ?, ?)');
  const pairExclusions = db.prepare<[number], {companion_id: number}>(
    'SELECT companion_id FROM pair_exclusions WHERE product_id = ? ORDER BY created_at, companion_id',
  );
  const excludePair = db.prepare(
    'INSERT OR IGNORE INTO pair_exclusions (product_id, companion_id, created_at) VALUES (?, ?, ?)',
  );
  const includePair = db.prepare('DELETE FROM pair_exclusions WHERE product_id = ? AND companion_id = ?');
  const unpin = db.prepare('DELETE FROM pins WHERE product_id = ? AND companion_id = ?');
  const excludedProducts = db.prepare<[number, number], {product_id: number; created_at: string}>(
    'SELECT product_id, created_at FROM product_exclusions ORDER BY created_at DESC, product_id LIMIT ? OFFSET ?',
  );
  const excludedCount = db.prepare<[], {n: number}>('SELECT count(*) AS n FROM product_exclusions');
  const isExcluded = db.prepare<[number], {one: number}>('SELECT 1 AS one FROM product_exclusions WHERE product_id = ?');
  const excludeProduct = db.prepare('INSERT OR IGNORE INTO product_exclusions (product_id, created_at) VALUES (?, ?)');
  const includeProduct = db.prepare('DELETE FROM product_exclusions WHERE product_id = ?');
  const pinned = db.prepare<[], {product_id: number}>('SELECT DISTINCT product_id FROM pins');
  const pinnedWith = db.prepare<[number], {product_id: number}>('SELECT product_id FROM pins WHERE companion_id = ?');

  return {
    pins: (productId: number): number[] => pins.all(productId).map((r) => r.companion_id),
    /** Replaces the product's pins with these companions, in this order (add, remove and reorder in one). */
    setPins(productId: number, companionIds: number[]): void {
      const now = new Date().toISOString();
      db.transaction(() => {
        clearPins.run(productId);
        companionIds.forEach((id, position) => insertPin.run(productId, id, position, now));
      })();
    },
    pairExclusions: (productId: number): number[] => pairExclusions.all(productId).map((r) => r.companion_id),
    /** Excluding a pinned pair unpins it: an exclusion is the stronger statement. */
    excludePair(productId: number, companionId: number): void {
      db.transaction(() => {
        excludePair.run(productId, companionId, new Date().toISOString());
        unpin.run(productId, companionId);
      })();
    },
    includePair: (productId: number, companionId: number): boolean => includePair.run(productId, companionId).changes > 0,
    excludedProducts(limit: number, offset: number) {
      return {
        items: excludedProducts.all(limit, offset).map((r) => ({productId: r.product_id, excludedAt: r.created_at})),
        total: excludedCount.get()!.n,
      };
    },
    isProductExcluded: (productId: number): boolean => isExcluded.get(productId) !== undefined,
    /** Pins of an excluded product are kept (hidden while it is excluded), so including it again restores them. */
    excludeProduct: (productId: number): boolean => excludeProduct.run(productId, new Date().toISOString()).changes > 0,
    /** Products with pins: their lists show them whatever the model says. */
    pinnedProducts: (): number[] => pinned.all().map((r) => r.product_id),
    /** Products that pinned this one: their lists change when it is excluded or included. */
    pinnedWith: (companionId: number): number[] => pinnedWith.all(companionId).map((r) => r.product_id),
    includeProduct: (productId: number): boolean => includeProduct.run(productId).changes > 0,
  };
}

export const curationRepo = perDb(createCurationRepo);
