import {perDb} from '../per-db';
import type {Db} from '../open';

/** metafield_state: what each product's recommendations metafield holds on Shopify, as a hash of the list. */
function createMetafieldStateRepo(db: Db) {
  const get = db.prepare<[number], {list_hash: string}>('SELECT list_hash FROM metafield_state WHERE product_id = ?');
  const publishedAfter = db.prepare<[number, number], {product_id: number}>(
    `SELECT product_id FROM metafield_state WHERE list_hash != '' AND product_id > ? ORDER BY product_id LIMIT ?`,
  );
  const upsert = db.prepare(
    `INSERT INTO metafield_state (product_id, list_hash, published_at) VALUES (?, ?, ?)
     ON CONFLICT (product_id) DO UPDATE SET list_hash = excluded.list_hash, published_at = excluded.published_at`,
  );
  return {
    hash: (productId: number): string | undefined => get.get(productId)?.list_hash,
    /**
     * Up to `limit` products whose list is published, after product `after`, in id order (the publisher works
     * through them in steps).
     */
    publishedAfter: (after: number, limit: number): number[] => publishedAfter.all(after, limit).map((r) => r.product_id),
    /** Recorded only after Shopify accepted the batch. */
    record(rows: {productId: number; hash: string}[]): void {
      const now = new Date().toISOString();
      db.transaction(() => rows.forEach((r) => upsert.run(r.productId, r.hash, now)))();
    },
  };
}

export const metafieldStateRepo = perDb(createMetafieldStateRepo);
