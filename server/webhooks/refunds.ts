import {z} from 'zod';
import type {Db} from '../../storage/open';
import {refundsRepo} from '../../storage/repos/refunds';
import type {RefundRecord} from '../../storage/repos/refunds';
import {exactShopifyId, money, parsePayload, timestamp} from './payload';
import type {WebhookHandler} from './types';

// The Refund as refunds/create carries it and as each entry of an order's `refunds`:
// https://shopify.dev/docs/api/admin-rest/latest/resources/refund (and the topic's sample:
// https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-refunds/create). The money returned is
// in `transactions`: those of kind `refund` and status `success`. `refund_line_items` lower each line's
// `current_quantity`, which the next order payload carries, so lines are not adjusted here.
const transaction = z.object({kind: z.string(), status: z.string().nullish(), amount: money});
const refund = z.object({
  id: exactShopifyId,
  order_id: exactShopifyId,
  created_at: timestamp,
  transactions: z.array(transaction).max(1000).nullish(),
});
const orderRefunds = z.object({id: exactShopifyId, refunds: z.array(refund.omit({order_id: true}).extend({order_id: exactShopifyId.nullish()})).max(1000).nullish()});

function refundRecord(r: z.infer<typeof refund>): RefundRecord {
  const amount = (r.transactions ?? []).filter((t) => t.kind === 'refund' && t.status === 'success').reduce((sum, t) => sum + t.amount, 0);
  return {refundId: r.id, orderId: r.order_id, amount, createdAt: r.created_at};
}

/** The refunds an order payload lists (an unreadable list is the order handler's concern, not a reason to refuse it). */
export function refundsFromOrder(payload: unknown): RefundRecord[] {
  const parsed = orderRefunds.safeParse(payload);
  if (!parsed.success) return [];
  return (parsed.data.refunds ?? []).map((r) => refundRecord({...r, order_id: r.order_id ?? parsed.data.id}));
}

export function storeRefunds(db: Db, refunds: RefundRecord[]): void {
  const repo = refundsRepo(db);
  for (const r of refunds) repo.record(r);
}

/** refunds/create: the refund is kept against its order, which may not have arrived yet. */
export const createRefund: WebhookHandler = (db, delivery) => {
  const r = refundRecord(parsePayload(refund, delivery.payload, 'refund'));
  refundsRepo(db).record(r);
  return {outcome: 'applied', resourceId: r.refundId};
};
