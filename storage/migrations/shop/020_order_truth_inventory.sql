-- What 2026-10 webhooks really carry about orders and stock ([P]).
--
-- Orders: `test` marks orders placed in test mode (left out of training and analytics, counted for the admin);
-- `current_total_price` is Shopify's total after edits, returns and refunds (NULL where the source has none).
-- order_lines.quantity now holds what remains of a line after edits and refunds (`current_quantity`).
-- https://shopify.dev/docs/api/admin-rest/latest/resources/order
ALTER TABLE orders ADD COLUMN test INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN current_total_price REAL;

-- Refunds, from `refunds/create` and from the `refunds` an order payload carries: one row per refund id, so a
-- refund seen both ways counts once. No foreign key: a refund can arrive before its order (webhooks are not
-- ordered); the trigger below drops an order's refunds with it (orders/delete, retention, redaction).
-- https://shopify.dev/docs/api/admin-rest/latest/resources/refund
CREATE TABLE order_refunds (
  refund_id           INTEGER PRIMARY KEY,
  order_id            INTEGER NOT NULL,
  amount              REAL NOT NULL,           -- sum of the refund's successful `refund` transactions
  created_at          TEXT NOT NULL
);
CREATE INDEX order_refunds_order ON order_refunds(order_id);
CREATE TRIGGER order_refunds_follow_order AFTER DELETE ON orders BEGIN
  DELETE FROM order_refunds WHERE order_id = old.order_id;
END;

-- Variants as the product webhooks carry them since 2024-07 (no `inventory_management`), and whether each
-- inventory item is tracked, from `inventory_items/create|update`. A variant can be bought when its policy is
-- `continue`, its item is untracked, or it has stock; products.available is recomputed from these rows.
CREATE TABLE product_variants (
  variant_id          INTEGER PRIMARY KEY,
  product_id          INTEGER NOT NULL,
  inventory_item_id   INTEGER,
  inventory_quantity  INTEGER,
  inventory_policy    TEXT                     -- 'deny' | 'continue'
);
CREATE INDEX product_variants_product ON product_variants(product_id);
CREATE INDEX product_variants_item ON product_variants(inventory_item_id);
CREATE TRIGGER product_variants_follow_product AFTER DELETE ON products BEGIN
  DELETE FROM product_variants WHERE product_id = old.product_id;
END;

-- Kept even before the variant that owns the item is known: inventory_items webhooks carry no variant id and
-- can arrive before the product's.
CREATE TABLE inventory_items (
  inventory_item_id   INTEGER PRIMARY KEY,
  tracked             INTEGER NOT NULL,
  updated_at          TEXT NOT NULL
);
