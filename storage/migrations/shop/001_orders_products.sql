-- One file per shop: isolation between shops holds by construction.

CREATE TABLE orders (
  order_id            INTEGER PRIMARY KEY,     -- Shopify's numeric order id
  name                TEXT,                    -- "#1001"
  created_at          TEXT NOT NULL,           -- ISO 8601 UTC
  updated_at          TEXT NOT NULL,
  cancelled_at        TEXT,                    -- kept, but excluded from training
  currency            TEXT,
  total_price         REAL,
  customer_hash       TEXT,                    -- salted hash of the customer id; never the id or any PII
  source              TEXT NOT NULL            -- 'webhook' | 'backfill' | 'demo'
);
CREATE INDEX orders_created ON orders(created_at);
CREATE INDEX orders_customer ON orders(customer_hash) WHERE customer_hash IS NOT NULL;

CREATE TABLE order_lines (
  order_id            INTEGER NOT NULL REFERENCES orders(order_id) ON DELETE CASCADE,
  line_id             INTEGER NOT NULL,
  product_id          INTEGER,                 -- NULL: custom item or a product deleted since
  variant_id          INTEGER,
  quantity            INTEGER NOT NULL,
  price               REAL,
  -- From the `_pairwise` line item property: which block added it, for which anchor product.
  pairwise_block      TEXT,
  pairwise_anchor     INTEGER,
  PRIMARY KEY (order_id, line_id)
) WITHOUT ROWID;
CREATE INDEX order_lines_product ON order_lines(product_id);

CREATE TABLE products (
  product_id          INTEGER PRIMARY KEY,
  title               TEXT NOT NULL,
  handle              TEXT NOT NULL,
  status              TEXT NOT NULL,           -- 'active' | 'draft' | 'archived' (lower case)
  available           INTEGER NOT NULL,        -- 1 when any variant can be bought
  price               REAL,                    -- lowest variant price
  product_type        TEXT NOT NULL DEFAULT '',
  vendor              TEXT NOT NULL DEFAULT '',
  tags                TEXT NOT NULL DEFAULT '', -- comma separated, as Shopify sends them
  description         TEXT NOT NULL DEFAULT '', -- plain text, HTML stripped
  image_url           TEXT,
  gift_card           INTEGER NOT NULL DEFAULT 0,
  created_at          TEXT,
  updated_at          TEXT NOT NULL
);
CREATE INDEX products_handle ON products(handle);

-- Every acknowledged webhook, keyed by X-Shopify-Webhook-Id: a redelivery is recognised and skipped.
CREATE TABLE webhook_receipts (
  webhook_id          TEXT PRIMARY KEY,
  topic               TEXT NOT NULL,
  resource_id         INTEGER,
  received_at         TEXT NOT NULL,
  outcome             TEXT NOT NULL            -- 'applied' | 'stale' | 'unreadable' | 'ignored'
);
CREATE INDEX webhook_receipts_received ON webhook_receipts(received_at);

-- Bulk-operation backfills of past orders and the catalogue; resumable from `objects_done`.
CREATE TABLE backfills (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  kind                TEXT NOT NULL,           -- 'orders' | 'products'
  bulk_operation_id   TEXT,
  status              TEXT NOT NULL,           -- 'created' | 'running' | 'downloading' | 'completed' | 'failed'
  url                 TEXT,
  objects_done        INTEGER NOT NULL DEFAULT 0,
  started_at          TEXT NOT NULL,
  finished_at         TEXT,
  error               TEXT
);

-- Merchant settings as JSON values under a key; validated by the API (zod) before they land here.
CREATE TABLE settings (
  key                 TEXT PRIMARY KEY,
  value               TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);

-- Manual curation. Pins come first in their position order; exclusions never show.
CREATE TABLE pins (
  product_id          INTEGER NOT NULL,
  companion_id        INTEGER NOT NULL,
  position            INTEGER NOT NULL,
  created_at          TEXT NOT NULL,
  PRIMARY KEY (product_id, companion_id)
) WITHOUT ROWID;

CREATE TABLE pair_exclusions (
  product_id          INTEGER NOT NULL,
  companion_id        INTEGER NOT NULL,
  created_at          TEXT NOT NULL,
  PRIMARY KEY (product_id, companion_id)
) WITHOUT ROWID;

CREATE TABLE product_exclusions (
  product_id          INTEGER PRIMARY KEY,     -- never recommended anywhere
  created_at          TEXT NOT NULL
);

-- Storefront events, no personal data. `holdout` marks sessions that were shown no block.
CREATE TABLE events (
  id                  INTEGER PRIMARY KEY,
  occurred_at         TEXT NOT NULL,
  day                 TEXT NOT NULL,           -- YYYY-MM-DD, for per-day analytics
  type                TEXT NOT NULL,           -- 'rendered' | 'viewed' | 'clicked' | 'added'
  block               TEXT NOT NULL,           -- 'fbt' | 'cart'
  anchor_id           INTEGER,
  product_id          INTEGER,
  holdout             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_day ON events(day, block, type);

-- What was last written to each product's $app:pairwise.recommendations metafield, so a publish only
-- sends what changed and can resume after a crash.
CREATE TABLE metafield_state (
  product_id          INTEGER PRIMARY KEY,
  list_hash           TEXT NOT NULL,           -- hash of the companion id list; '' when deleted
  published_at        TEXT NOT NULL
);
