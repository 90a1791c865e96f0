-- Model tables: written only by the trainer, read by the server. A version is invisible until
-- `model_active` points at it, and that flip is one statement in the trainer's publishing transaction.

CREATE TABLE model_versions (
  version             INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at          TEXT NOT NULL,
  status              TEXT NOT NULL,           -- 'building' | 'ready'
  kind                TEXT NOT NULL,           -- 'model' or the baseline that was published instead, e.g. 'cocount'
  backend             TEXT,
  report              TEXT NOT NULL DEFAULT '{}'  -- report.json, as in the contracts
);

CREATE TABLE model_active (
  singleton           INTEGER PRIMARY KEY CHECK (singleton = 1),
  version             INTEGER NOT NULL REFERENCES model_versions(version),
  previous_version    INTEGER,                 -- for rollback
  activated_at        TEXT NOT NULL
);

-- One row per published pair (product -> companion), with the statistics that explain it.
CREATE TABLE model_pairs (
  version             INTEGER NOT NULL,
  product_id          INTEGER NOT NULL,
  rank                INTEGER NOT NULL,        -- 1 is best
  companion_id        INTEGER NOT NULL,
  score               REAL NOT NULL,
  source              TEXT NOT NULL,           -- 'copurchase' | 'embedding' | 'similar'
  count               INTEGER NOT NULL,        -- orders containing both
  support             REAL NOT NULL,
  confidence          REAL NOT NULL,           -- P(companion | product)
  lift                REAL NOT NULL,
  jaccard             REAL,
  cosine              REAL,
  llr                 REAL,
  embedding_sim       REAL,
  text_sim            REAL,
  PRIMARY KEY (version, product_id, rank)
) WITHOUT ROWID;

CREATE TABLE model_bundles (
  version             INTEGER NOT NULL,
  bundle_id           INTEGER NOT NULL,
  product_ids         TEXT NOT NULL,           -- JSON array of product ids
  count               INTEGER NOT NULL,
  support             REAL NOT NULL,
  lift                REAL NOT NULL,
  PRIMARY KEY (version, bundle_id)
) WITHOUT ROWID;

CREATE TABLE model_communities (
  version             INTEGER NOT NULL,
  community_id        INTEGER NOT NULL,
  product_id          INTEGER NOT NULL,
  PRIMARY KEY (version, community_id, product_id)
) WITHOUT ROWID;

-- Training runs, with their live progress for the admin page.
CREATE TABLE train_runs (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at          TEXT NOT NULL,
  finished_at         TEXT,
  status              TEXT NOT NULL,           -- 'running' | 'published' | 'failed'
  stage               TEXT,
  progress            REAL NOT NULL DEFAULT 0, -- 0..1
  version             INTEGER,
  error               TEXT
);
