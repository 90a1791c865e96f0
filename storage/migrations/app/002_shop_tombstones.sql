-- Shops whose data shop/redact erased. Shopify may still deliver a late or retried webhook for them, which must
-- not bring the shop's file or row back; only a new install (token exchange) removes the tombstone.
-- The domain and the time only: nothing else about the shop is kept.
CREATE TABLE shop_tombstones (
  domain          TEXT PRIMARY KEY,
  redacted_at     TEXT NOT NULL
) WITHOUT ROWID;
