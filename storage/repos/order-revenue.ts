/**
 * SQL for what an order finally brought in, read by the experiment and the analytics alike, never below zero.
 * Shopify's `current_total_price` already reflects edits, returns and refunds as of the order's `updated_at`
 * (https://shopify.dev/docs/api/admin-rest/latest/resources/order), so only refunds created after that are taken
 * off it (refunds/create can land before the orders/updated that lowers the total). Where the source carried no
 * current total, every stored refund is taken off `total_price`. `o` is the orders row.
 */
export const NET_ORDER_REVENUE = `max(0, CASE WHEN o.current_total_price IS NOT NULL
  THEN o.current_total_price - coalesce((SELECT sum(r.amount) FROM order_refunds r WHERE r.order_id = o.order_id AND r.created_at > o.updated_at), 0)
  ELSE coalesce(o.total_price, 0) - coalesce((SELECT sum(r.amount) FROM order_refunds r WHERE r.order_id = o.order_id), 0) END)`;

/** Orders that count: not cancelled and not placed in test mode. `o` is the orders row. */
export const COUNTED_ORDER = 'o.cancelled_at IS NULL AND o.test = 0';
