import {perDb} from '../per-db';
import type {Db} from '../open';
import type {ShopifyId} from '../../domain/shopify-id';

export type TombstoneKind = 'order' | 'product';

/** tombstones: ids deleted on Shopify, so a late update never resurrects them. */
function createTombstonesRepo(db: Db) {
  const has = db.prepare<[string, ShopifyId], {one: number}>('SELECT 1 AS one FROM tombstones WHERE kind = ? AND resource_id = ?');
  const add = db.prepare('INSERT OR IGNORE INTO tombstones (kind, resource_id, deleted_at) VALUES (?, ?, ?)');
  return {
    has: (kind: TombstoneKind, id: ShopifyId): boolean => has.get(kind, id) !== undefined,
    add: (kind: TombstoneKind, id: ShopifyId): void => void add.run(kind, id, new Date().toISOString()),
  };
}

export const tombstonesRepo = perDb(createTombstonesRepo);
