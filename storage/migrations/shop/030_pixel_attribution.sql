-- Orders attributed by the web pixel ([P]): an order placed without the cart (buy it now, express checkout)
-- carries no cart attributes, so the pixel's checkout_completed names its visitor instead. A claim is trusted
-- only for the order whose signed webhook carries the same checkout token.

-- Where an order's experiment visitor came from: its cart attributes ('cart', which always win) or a pixel claim.
ALTER TABLE experiment_orders ADD COLUMN source TEXT NOT NULL DEFAULT 'cart';

-- Each order's checkout token (the order webhook's checkout_token), to match a claim arriving after the order.
CREATE TABLE order_checkouts (
  order_id            INTEGER PRIMARY KEY REFERENCES orders(order_id) ON DELETE CASCADE,
  checkout_token      TEXT NOT NULL
);
CREATE INDEX order_checkouts_token ON order_checkouts(checkout_token);

-- Claims waiting for their order's webhook (late deliveries), first claim per checkout kept; a settled claim is
-- deleted, an unsettled one expires (storage/repos/pixel-claims.ts bounds how many wait).
CREATE TABLE pixel_claims (
  checkout_token      TEXT PRIMARY KEY,
  order_id            INTEGER NOT NULL,
  period              INTEGER NOT NULL,
  visitor_id          TEXT NOT NULL,       -- the storefront's random id (a UUID), no personal data
  received_at         TEXT NOT NULL        -- ISO 8601 UTC
) WITHOUT ROWID;
CREATE INDEX pixel_claims_received ON pixel_claims(received_at);
