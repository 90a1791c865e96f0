-- app.db: what the app knows across shops. Everything about one shop's business lives in its own file.
CREATE TABLE shops (
  domain          TEXT PRIMARY KEY,
  installed_at    TEXT NOT NULL,
  uninstalled_at  TEXT,
  scopes          TEXT NOT NULL DEFAULT '',
  -- Salt for hashing customer ids, so customers/redact can find a customer's orders without storing the id.
  customer_salt   TEXT NOT NULL
);

-- Shape follows @shopify/shopify-api's Session (toPropertyArray), one column per property.
CREATE TABLE sessions (
  id                        TEXT PRIMARY KEY,
  shop                      TEXT NOT NULL,
  state                     TEXT NOT NULL,
  is_online                 INTEGER NOT NULL,
  scope                     TEXT,
  expires                   INTEGER,          -- ms since epoch
  access_token              TEXT,
  refresh_token             TEXT,
  refresh_token_expires     INTEGER,          -- ms since epoch
  online_access_info        TEXT              -- JSON
);
CREATE INDEX sessions_shop ON sessions(shop);
