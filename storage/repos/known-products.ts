import {perDb} from '../per-db';
import type {Db} from '../open';

/**
 * Whether a product id is one of this shop's: in its catalogue, on one of its order lines (what a trainer reads),
 * or deleted since (a tombstone: a product deleted while a worker trained on it is still the shop's). Each side
 * is a primary key or an index, so one id costs three index probes, whatever the shop's size.
 */
function createKnownProductsRepo(db: Db) {
  const known = db.prepare<{id: number}, {known: number}>(
    `SELECT EXISTS (SELECT 1 FROM products WHERE product_id = @id)
         OR EXISTS (SELECT 1 FROM order_lines WHERE product_id = @id)
         OR EXISTS (SELECT 1 FROM tombstones WHERE kind = 'product' AND resource_id = @id) AS known`,
  );
  return {
    has: (id: number): boolean => known.get({id})!.known === 1,
  };
}

export const knownProductsRepo = perDb(createKnownProductsRepo);
