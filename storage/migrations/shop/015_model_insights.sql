-- What the admin's Insights page shows of a model version, worked out when the version is published (the
-- trainer's publish in its own process, or the app host's publish of a worker's result) and read by key with
-- LIMIT: opening Insights cost a pass over every pair and community member of the version on the one event
-- loop all shops share, seconds on a 10k-product shop ([T]).

-- The most purchased communities, in the order shown; `name` from the shared product type and tag of their
-- most ordered members (NULL when they share neither: the page names it by its best seller).
CREATE TABLE model_insight_communities (
  version             INTEGER NOT NULL,
  position            INTEGER NOT NULL,
  community_id        INTEGER NOT NULL,
  name                TEXT,
  size                INTEGER NOT NULL,
  purchases           INTEGER NOT NULL,
  PRIMARY KEY (version, position)
) WITHOUT ROWID;

-- Each shown community's most ordered members, in the order shown.
CREATE TABLE model_insight_members (
  version             INTEGER NOT NULL,
  community_id        INTEGER NOT NULL,
  position            INTEGER NOT NULL,
  product_id          INTEGER NOT NULL,
  PRIMARY KEY (version, community_id, position)
) WITHOUT ROWID;

-- The strongest pairs by lift (seen in 3+ orders), each unordered pair once, in the order shown.
CREATE TABLE model_insight_pairs (
  version             INTEGER NOT NULL,
  position            INTEGER NOT NULL,
  product_id          INTEGER NOT NULL,
  companion_id        INTEGER NOT NULL,
  rank                INTEGER NOT NULL,
  score               REAL NOT NULL,
  source              TEXT NOT NULL,
  count               INTEGER NOT NULL,
  support             REAL NOT NULL,
  confidence          REAL NOT NULL,
  lift                REAL NOT NULL,
  PRIMARY KEY (version, position)
) WITHOUT ROWID;

-- The versions already published: the same figures by SQL, once. Their communities stay unnamed until the
-- next training (naming reads the catalogue in code: storage/repos/model-insights.ts).
INSERT INTO model_insight_communities (version, position, community_id, name, size, purchases)
SELECT version, position, community_id, NULL, size, purchases FROM (
  SELECT version, community_id, size, purchases,
    ROW_NUMBER() OVER (PARTITION BY version ORDER BY purchases DESC, community_id) AS position
  FROM (
    SELECT c.version, c.community_id, count(*) AS size, coalesce(sum(m.orders), 0) AS purchases
    FROM model_communities c LEFT JOIN model_product_orders m ON m.version = c.version AND m.product_id = c.product_id
    GROUP BY c.version, c.community_id
  )
) WHERE position <= 20;

INSERT INTO model_insight_members (version, community_id, position, product_id)
SELECT version, community_id, position, product_id FROM (
  SELECT c.version, c.community_id, c.product_id,
    ROW_NUMBER() OVER (PARTITION BY c.version, c.community_id ORDER BY coalesce(m.orders, 0) DESC, c.product_id) AS position
  FROM model_communities c
  JOIN model_insight_communities s ON s.version = c.version AND s.community_id = c.community_id
  LEFT JOIN model_product_orders m ON m.version = c.version AND m.product_id = c.product_id
) WHERE position <= 8;

INSERT INTO model_insight_pairs (version, position, product_id, companion_id, rank, score, source, count, support, confidence, lift)
SELECT version, position, product_id, companion_id, rank, score, source, count, support, confidence, lift FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY version ORDER BY lift DESC, count DESC, product_id, companion_id) AS position FROM (
    SELECT *, ROW_NUMBER() OVER (
      PARTITION BY version, min(product_id, companion_id), max(product_id, companion_id)
      ORDER BY lift DESC, count DESC, product_id, companion_id
    ) AS direction
    FROM model_pairs WHERE count >= 3
  ) WHERE direction = 1
) WHERE position <= 20;
