-- The merchant's bundle discount ([N]): the settings last saved and the id of the automatic app discount they
-- created on Shopify (a GID string, kept exact). One row per shop file.
CREATE TABLE bundle_discount (
  singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
  discount_id TEXT,
  settings    TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
