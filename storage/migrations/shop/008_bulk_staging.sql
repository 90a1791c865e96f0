-- A bulk operation's JSONL lines, staged until the whole file is read. Since API 2026-01 a child line (a line
-- item, a variant) is not guaranteed to follow its parent, only to carry its `__parentId`
-- (https://shopify.dev/docs/api/usage/bulk-operations/queries), so the backfill writes every line here first,
-- then joins children to parents and applies them in chunks of parents in id order, each chunk in one
-- transaction that deletes its lines and sets backfills.applied_through. A finished backfill (completed or
-- failed) leaves none.
-- Rows are keyed in file order, so staging appends; the index serves every read: the parents in id order
-- (parent_id 0), and one parent's children. (Keyed by parent instead, a shuffled file is a random insert per
-- line: four times slower to stage at a million orders.)
CREATE TABLE bulk_staging (
  backfill_id         INTEGER NOT NULL REFERENCES backfills(id) ON DELETE CASCADE,
  line_no             INTEGER NOT NULL,        -- 1-based line of the JSONL
  parent_id           INTEGER NOT NULL,        -- the parent's numeric id on a child line; 0 on a parent line
  object_id           INTEGER NOT NULL,        -- the line's own numeric id (an order, a line item, ...)
  record              TEXT NOT NULL,           -- the line as read and checked (JSON), only the fields we keep
  PRIMARY KEY (backfill_id, line_no)
) WITHOUT ROWID;
CREATE INDEX bulk_staging_parent ON bulk_staging(backfill_id, parent_id, object_id);

-- Set once the whole file is staged (in the transaction of its last lines): a resumed run then only applies.
ALTER TABLE backfills ADD COLUMN staged_at TEXT;
-- The highest parent id applied (committed with the chunk that applied it): a resumed run carries on above it.
ALTER TABLE backfills ADD COLUMN applied_through INTEGER NOT NULL DEFAULT 0;
