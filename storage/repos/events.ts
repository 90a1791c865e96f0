import {perDb} from '../per-db';
import type {Db} from '../open';

export interface StorefrontEvent {
  type: 'rendered' | 'viewed' | 'clicked' | 'added';
  /** The theme block, or the checkout UI extension's surface. */
  block: 'fbt' | 'cart' | 'checkout' | 'thank_you' | 'order_status';
  anchorId: number | null;
  productId: number | null;
}

/**
 * events (write side): storefront beacons, no personal data. The admin's analytics read them. Only shown blocks
 * send events (a held-out visitor's block is never rendered), so the table's old `holdout` column stays 0: the
 * experiment counts visitors in experiment_visitors, with the arm derived on the server.
 */
function createEventsRepo(db: Db) {
  const insert = db.prepare(
    'INSERT INTO events (occurred_at, day, type, block, anchor_id, product_id) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const deleteBefore = db.prepare('DELETE FROM events WHERE occurred_at < ?');
  return {
    /** Data retention. */
    deleteBefore: (iso: string): number => deleteBefore.run(iso).changes,
    insertMany(events: StorefrontEvent[], at = new Date()): void {
      const iso = at.toISOString();
      const day = iso.slice(0, 10);
      db.transaction(() => {
        for (const e of events) insert.run(iso, day, e.type, e.block, e.anchorId, e.productId);
      })();
    },
  };
}

export const eventsRepo = perDb(createEventsRepo);
