import {perDb} from '../per-db';
import type {Db} from '../open';

/** One staged JSONL line: a parent object (`parentId` null) or a child naming its parent. */
export interface StagedLine {
  lineNo: number;
  objectId: number;
  parentId: number | null;
  /** The line's checked fields, as JSON. */
  record: string;
}

/** parent_id of a parent line: no Shopify id is 0. */
const PARENT = 0;

/**
 * bulk_staging: a backfill's JSONL lines until their parents and children are joined and applied. Parents are
 * read in id order above a cursor (backfills.applied_through) and leave with their children once applied.
 */
function createBulkStagingRepo(db: Db) {
  // INDEXED BY: without statistics the planner would rather scan a backfill's rows by the key.
  const insert = db.prepare('INSERT INTO bulk_staging (backfill_id, line_no, parent_id, object_id, record) VALUES (?, ?, ?, ?, ?)');
  const parents = db.prepare<[number, number, number, number], {object_id: number; record: string}>(
    'SELECT object_id, record FROM bulk_staging INDEXED BY bulk_staging_parent WHERE backfill_id = ? AND parent_id = ? AND object_id > ? ORDER BY object_id LIMIT ?',
  );
  const children = db.prepare<[number, number], {record: string}>(
    'SELECT record FROM bulk_staging INDEXED BY bulk_staging_parent WHERE backfill_id = ? AND parent_id = ? ORDER BY object_id',
  );
  const removeParent = db.prepare('DELETE FROM bulk_staging INDEXED BY bulk_staging_parent WHERE backfill_id = ? AND parent_id = ? AND object_id = ?');
  const removeChildren = db.prepare('DELETE FROM bulk_staging INDEXED BY bulk_staging_parent WHERE backfill_id = ? AND parent_id = ?');
  const childrenBetween = db.prepare<[number, number, number], {n: number}>(
    'SELECT count(*) AS n FROM bulk_staging INDEXED BY bulk_staging_parent WHERE backfill_id = ? AND parent_id > ? AND parent_id <= ?',
  );
  const clearSome = db.prepare(
    'DELETE FROM bulk_staging WHERE backfill_id = ? AND line_no IN (SELECT line_no FROM bulk_staging WHERE backfill_id = ? ORDER BY line_no LIMIT ?)',
  );
  const leftovers = db.prepare<[], {id: number}>(
    `SELECT id FROM backfills b WHERE status IN ('completed', 'failed') AND EXISTS (SELECT 1 FROM bulk_staging s WHERE s.backfill_id = b.id)`,
  );
  return {
    /** Call inside a transaction, with the backfill's progress. */
    add(backfillId: number, lines: StagedLine[]): void {
      for (const l of lines) insert.run(backfillId, l.lineNo, l.parentId ?? PARENT, l.objectId, l.record);
    },
    /** The next `limit` staged parents with an id above `after`, lowest first. */
    parents: (backfillId: number, after: number, limit: number) =>
      parents.all(backfillId, PARENT, after, limit).map((r) => ({objectId: r.object_id, record: r.record})),
    children: (backfillId: number, parentId: number): string[] => children.all(backfillId, parentId).map((r) => r.record),
    /** A parent and its children are applied: they leave together. Call inside the applying transaction. */
    remove(backfillId: number, parentId: number): void {
      removeParent.run(backfillId, PARENT, parentId);
      removeChildren.run(backfillId, parentId);
    },
    /** How many child lines name a parent id in (after, through]. */
    childrenBetween: (backfillId: number, after: number, through: number): number => childrenBetween.get(backfillId, after, through)!.n,
    /** Finished backfills that still have staged lines: a crash came while they were being deleted. */
    leftovers: (): number[] => leftovers.all().map((r) => r.id),
    /** Deletes up to `limit` of a backfill's lines, first in the file first; returns how many went. */
    clearSome: (backfillId: number, limit: number): number => clearSome.run(backfillId, backfillId, limit).changes,
  };
}

export const bulkStagingRepo = perDb(createBulkStagingRepo);
