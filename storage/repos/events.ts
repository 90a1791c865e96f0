import {perDb} from '../per-db';
import type {Db} from '../open';

export interface StorefrontEvent {
  type: 'rendered' | 'viewed' | 'clicked' | 'added';
  /** The theme block, or the checkout UI extension's surface. */
  block: 'fbt' | 'cart' | 'checkout' | 'thank_you' | 'order_status';
  anchorId: number | null;
  productId: number | null;
  /**
   * The storefront's own id for this event (a page's random UUID and the event's number on that page), which
   * makes one event count once whichever way it reached the app (the web pixel or the direct beacon); null where
   * the sender has only one way (the checkout UI extension).
   */
  eventId?: string | null;
}

/**
 * events (write side): storefront beacons, no personal data. The admin's analytics read them. Only shown blocks
 * send events (a held-out visitor's block is never rendered), so the table's old `holdout` column stays 0: the
 * experiment counts visitors in experiment_visitors, with the arm derived on the server.
 */
function createEventsRepo(db: Db) {
  const insert = db.prepare(
    // An event whose id is already stored came the other way too: ignored (events_event_id, migration 031).
    'INSERT OR IGNORE INTO events (occurred_at, day, type, block, anchor_id, product_id, event_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const deleteBefore = db.prepare('DELETE FROM events WHERE occurred_at < ?');
  return {
    /** Data retention. */
    deleteBefore: (iso: string): number => deleteBefore.run(iso).changes,
    /** Stores the events not stored before (by eventId); how many were new. */
    insertMany(events: StorefrontEvent[], at = new Date()): number {
      const iso = at.toISOString();
      const day = iso.slice(0, 10);
      return db.transaction(() => events.reduce((n, e) => n + insert.run(iso, day, e.type, e.block, e.anchorId, e.productId, e.eventId ?? null).changes, 0))();
    },
  };
}

export const eventsRepo = perDb(createEventsRepo);
