import {perDb} from '../per-db';
import type {Db} from '../open';

export type ReceiptOutcome = 'applied' | 'stale' | 'unreadable' | 'ignored';

/** webhook_receipts: one row per acknowledged delivery, keyed by X-Shopify-Webhook-Id. */
function createReceiptsRepo(db: Db) {
  const has = db.prepare<[string], {one: number}>('SELECT 1 AS one FROM webhook_receipts WHERE webhook_id = ?');
  const insert = db.prepare(
    `INSERT INTO webhook_receipts (webhook_id, topic, resource_id, received_at, outcome) VALUES (?, ?, ?, ?, ?)`,
  );
  const last = db.prepare<[], {received_at: string; topic: string}>(
    'SELECT received_at, topic FROM webhook_receipts ORDER BY received_at DESC LIMIT 1',
  );
  return {
    has: (webhookId: string): boolean => has.get(webhookId) !== undefined,
    record(webhookId: string, topic: string, resourceId: number | null, outcome: ReceiptOutcome): void {
      insert.run(webhookId, topic, resourceId, new Date().toISOString(), outcome);
    },
    last: () => last.get(),
  };
}

export const receiptsRepo = perDb(createReceiptsRepo);
