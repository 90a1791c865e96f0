-- The holdout experiment's visitors: one row per visitor per period, written the first time the visitor views
-- a product page that has a Pairwise block (the app proxy's POST /experiment), in either arm. The arm is
-- derived on the server from the visitor id and the period's salt and share, never taken from the client.
CREATE TABLE experiment_visitors (
  period              INTEGER NOT NULL REFERENCES experiment_periods(period),
  visitor_id          TEXT NOT NULL,           -- the storefront's random id (a UUID), no personal data
  arm                 TEXT NOT NULL,           -- 'exposed' | 'holdout', derived
  first_seen_at       TEXT NOT NULL,           -- ISO 8601 UTC
  PRIMARY KEY (period, visitor_id)
) WITHOUT ROWID;
CREATE INDEX experiment_orders_visitor ON experiment_orders(period, visitor_id);
