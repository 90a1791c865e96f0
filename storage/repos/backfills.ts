import {perDb} from '../per-db';
import type {Db} from '../open';

export type BackfillKind = 'orders' | 'products';
export type BackfillStatus = 'created' | 'running' | 'downloading' | 'completed' | 'failed';

export interface BackfillRow {
  id: number;
  kind: BackfillKind;
  bulk_operation_id: string | null;
  status: BackfillStatus;
  url: string | null;
  /** JSONL lines read so far (staged, committed with them). */
  objects_done: number;
  /** When the whole JSONL was staged; from then on the run only applies what is staged. */
  staged_at: string | null;
  /** The highest parent (order, product) id applied from the staged lines; parents at or below it are done. */
  applied_through: number;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

/** backfills: progress of bulk-operation imports, so an interrupted one resumes where it stopped. */
function createBackfillsRepo(db: Db) {
  const create = db.prepare(`INSERT INTO backfills (kind, status, started_at) VALUES (?, 'created', ?)`);
  const get = db.prepare<[number], BackfillRow>('SELECT * FROM backfills WHERE id = ?');
  const latest = db.prepare<[string], BackfillRow>('SELECT * FROM backfills WHERE kind = ? ORDER BY id DESC LIMIT 1');
  const unfinished = db.prepare<[], BackfillRow>(
    `SELECT * FROM backfills WHERE status NOT IN ('completed', 'failed') ORDER BY id`,
  );
  const setOperation = db.prepare(`UPDATE backfills SET bulk_operation_id = ?, status = 'running' WHERE id = ?`);
  const setUrl = db.prepare(`UPDATE backfills SET url = ?, status = 'downloading' WHERE id = ?`);
  const setDone = db.prepare('UPDATE backfills SET objects_done = ? WHERE id = ?');
  const setStaged = db.prepare('UPDATE backfills SET staged_at = ? WHERE id = ?');
  const setApplied = db.prepare('UPDATE backfills SET applied_through = ? WHERE id = ?');
  const finish = db.prepare('UPDATE backfills SET status = ?, finished_at = ?, error = ? WHERE id = ?');
  return {
    create: (kind: BackfillKind): number => Number(create.run(kind, new Date().toISOString()).lastInsertRowid),
    get: (id: number) => get.get(id),
    latest: (kind: BackfillKind) => latest.get(kind),
    unfinished: () => unfinished.all(),
    started: (id: number, bulkOperationId: string) => void setOperation.run(bulkOperationId, id),
    downloading: (id: number, url: string) => void setUrl.run(url, id),
    /** Lines of the JSONL already read; written in the same transaction as the staged rows they produced. */
    progress: (id: number, objectsDone: number) => void setDone.run(objectsDone, id),
    /** The whole JSONL is staged. */
    staged: (id: number) => void setStaged.run(new Date().toISOString(), id),
    /** Parents up to this id are applied; written in the same transaction as the rows they produced. */
    appliedThrough: (id: number, parentId: number) => void setApplied.run(parentId, id),
    finish: (id: number, status: 'completed' | 'failed', error: string | null = null) =>
      void finish.run(status, new Date().toISOString(), error, id),
  };
}

export const backfillsRepo = perDb(createBackfillsRepo);
