import {perDb} from '../per-db';
import type {Db} from '../open';
import type {ShopifyId} from '../../domain/shopify-id';

export type ReceiptOutcome = 'applied' | 'stale' | 'unreadable' | 'ignored';

/**
 * How long a delivery's receipt is kept to recognise a redelivery. Shopify retries a failed delivery 8 times over
 * 4 hours (https://shopify.dev/changelog/updates-to-webhook-retry-mechanism) and a delivery may arrive up to a
 * day late (https://shopify.dev/docs/apps/build/webhooks/best-practices#manage-delays); a week covers both with
 * room for a manual redelivery, and keeps the table from growing with every webhook ever received.
 */
export const RECEIPT_DEDUPE_WINDOW_MS = 7 * 86_400_000;

/** webhook_receipts: one row per acknowledged delivery, keyed by X-Shopify-Webhook-Id. */
function createReceiptsRepo(db: Db) {
  const has = db.prepare<[string], {one: number}>('SELECT 1 AS one FROM webhook_receipts WHERE webhook_id = ?');
  const insert = db.prepare(
    `INSERT INTO webhook_receipts (webhook_id, topic, resource_id, received_at, outcome, reason) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const last = db.prepare<[], {received_at: string; topic: string}>(
    'SELECT received_at, topic FROM webhook_receipts ORDER BY received_at DESC LIMIT 1',
  );
  const get = db.prepare<[string], {webhook_id: string; topic: string; resource_id: number | null; received_at: string; outcome: ReceiptOutcome; reason: string | null}>(
    'SELECT webhook_id, topic, resource_id, received_at, outcome, reason FROM webhook_receipts WHERE webhook_id = ?',
  );
  // Oldest first through the received_at index, at most `limit` rows: one call never holds the write lock for long.
  const prune = db.prepare<[string, number]>(
    `DELETE FROM webhook_receipts WHERE rowid IN
       (SELECT rowid FROM webhook_receipts WHERE received_at < ? ORDER BY received_at LIMIT ?)`,
  );
  return {
    has: (webhookId: string): boolean => has.get(webhookId) !== undefined,
    /** `reason` says why an unreadable delivery could not be stored; null otherwise. */
    record(webhookId: string, topic: string, resourceId: ShopifyId | null, outcome: ReceiptOutcome, reason: string | null = null): void {
      insert.run(webhookId, topic, resourceId, new Date().toISOString(), outcome, reason);
    },
    get: (webhookId: string) => get.get(webhookId),
    last: () => last.get(),
    /** Deletes up to `limit` receipts older than the dedupe window; returns how many went. */
    pruneBefore: (cutoffIso: string, limit: number): number => prune.run(cutoffIso, limit).changes,
  };
}

export const receiptsRepo = perDb(createReceiptsRepo);
