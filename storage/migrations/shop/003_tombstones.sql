-- Deleted orders and products, remembered: Shopify delivers webhooks out of order, and an update that was
-- sent before the delete but arrives after it must not bring the row back. Shopify never reuses these ids.
CREATE TABLE tombstones (
  kind                TEXT NOT NULL,           -- 'order' | 'product'
  resource_id         INTEGER NOT NULL,
  deleted_at          TEXT NOT NULL,
  PRIMARY KEY (kind, resource_id)
) WITHOUT ROWID;
