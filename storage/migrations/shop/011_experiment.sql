-- Holdout experiment periods. A period starts each time the holdout share or the salt changes; arms are
-- compared within one period only, and ended periods stay readable.
CREATE TABLE experiment_periods (
  period              INTEGER PRIMARY KEY,     -- 1, 2, ...; the storefront receives it with the salt and share
  salt                TEXT NOT NULL,           -- random; the arm is hash(salt, visitor id) < share
  share               REAL NOT NULL,           -- share of visitors held out, 0 to 0.5
  started_at          TEXT NOT NULL,           -- ISO 8601 UTC
  ended_at            TEXT                     -- NULL for the running period
);
