-- Which experiment visitor placed each order (from the cart attributes Shopify copies into note_attributes),
-- with the arm the server derived from the visitor id and the period's salt and share.
CREATE TABLE experiment_orders (
  order_id            INTEGER PRIMARY KEY REFERENCES orders(order_id) ON DELETE CASCADE,
  period              INTEGER NOT NULL REFERENCES experiment_periods(period),
  visitor_id          TEXT NOT NULL,
  arm                 TEXT NOT NULL            -- 'exposed' | 'holdout', derived, never the client's word
);
CREATE INDEX experiment_orders_period ON experiment_orders(period, arm);
