import {perDb} from '../per-db';
import type {Db} from '../open';
import type {ShopDomain} from '../shop-domain';

/** BullMQ's order (lower first): a merchant's "Retrain now" before the schedule. */
export const TRAINING_PRIORITY = {merchant: 1, schedule: 2} as const;

export interface RemoteQueueEntry {
  shop: ShopDomain;
  seq: number;
  state: 'queued' | 'running';
  priority: number;
  attempts: number;
  /** The worker holding a running entry, as it names itself. */
  worker: string | null;
  /** The train_runs row (in the shop's file) of the attempt now running. */
  runId: number | null;
}

/** An entry's columns under the entry's own names. */
const COLUMNS = 'shop, seq, state, priority, attempts, worker, run_id AS runId';

/**
 * training_queue of app.db as the BullMQ queue keeps it: the app host's own record of each shop's entry, so it
 * answers "where does my shop stand" while Redis is away, and checks a worker's calls against the entry.
 */
function createRemoteQueueRepo(db: Db) {
  const add = db.prepare<[string, string, number]>(
    `INSERT INTO training_queue (shop, seq, state, queued_at, priority)
     VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM training_queue), 'queued', ?, ?)
     ON CONFLICT (shop) DO NOTHING`,
  );
  const get = db.prepare<[string], RemoteQueueEntry>(`SELECT ${COLUMNS} FROM training_queue WHERE shop = ?`);
  const all = db.prepare<[], RemoteQueueEntry>(`SELECT ${COLUMNS} FROM training_queue ORDER BY priority, seq`);
  const ahead = db.prepare<[number, number, number], {n: number}>(
    `SELECT count(*) AS n FROM training_queue WHERE state = 'queued' AND (priority < ? OR (priority = ? AND seq < ?))`,
  );
  const claim = db.prepare<[string, number, ShopDomain, number]>(
    `UPDATE training_queue SET state = 'running', attempts = attempts + 1, worker = ?, run_id = ? WHERE shop = ? AND seq = ?`,
  );
  const remove = db.prepare<[string, number]>('DELETE FROM training_queue WHERE shop = ? AND seq = ?');
  const removeQueued = db.prepare<[string]>(`DELETE FROM training_queue WHERE shop = ? AND state = 'queued'`);
  return {
    /** False when the shop is already queued or running. */
    add: (shop: ShopDomain, priority: number): boolean => add.run(shop, new Date().toISOString(), priority).changes === 1,
    get: (shop: ShopDomain): RemoteQueueEntry | undefined => get.get(shop),
    /** Every entry, in the order BullMQ hands them out. */
    all: (): RemoteQueueEntry[] => all.all(),
    /** Waiting entries a worker takes before this one. */
    ahead: (e: RemoteQueueEntry): number => ahead.get(e.priority, e.priority, e.seq)!.n,
    /** A worker took the entry (again, after a worker that held it stopped); false when it is no longer there. */
    claim: (shop: ShopDomain, seq: number, worker: string, runId: number): boolean => claim.run(worker, runId, shop, seq).changes === 1,
    /** The entry's run ended; false when it was already gone (removed, or a later entry). */
    remove: (shop: ShopDomain, seq: number): boolean => remove.run(shop, seq).changes === 1,
    /** Takes the shop out if it is still waiting; true if it was. */
    removeQueued: (shop: ShopDomain): boolean => removeQueued.run(shop).changes === 1,
  };
}

export type RemoteQueueRepo = ReturnType<typeof createRemoteQueueRepo>;
export const remoteQueueRepo = perDb(createRemoteQueueRepo);
