import {perDb} from '../per-db';
import type {Db} from '../open';
import type {ShopDomain} from '../shop-domain';

export interface TrainingQueueEntry {
  shop: ShopDomain;
  seq: number;
  state: 'queued' | 'running';
  attempts: number;
  queuedAt: string;
}

interface Row {
  shop: ShopDomain;
  seq: number;
  state: 'queued' | 'running';
  attempts: number;
  queued_at: string;
}

const toEntry = (r: Row): TrainingQueueEntry => ({shop: r.shop, seq: r.seq, state: r.state, attempts: r.attempts, queuedAt: r.queued_at});

/** training_queue of app.db: the shops waiting for a trainer or training, in order of arrival. */
function createTrainingQueueRepo(db: Db) {
  const add = db.prepare(
    `INSERT INTO training_queue (shop, seq, state, queued_at)
     VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM training_queue), 'queued', ?)
     ON CONFLICT (shop) DO NOTHING`,
  );
  const get = db.prepare<[string], Row>('SELECT * FROM training_queue WHERE shop = ?');
  const ahead = db.prepare<[number], {n: number}>(`SELECT count(*) AS n FROM training_queue WHERE state = 'queued' AND seq < ?`);
  const next = db.prepare<[], Row>(`SELECT * FROM training_queue WHERE state = 'queued' ORDER BY seq LIMIT 1`);
  const running = db.prepare<[], Row>(`SELECT * FROM training_queue WHERE state = 'running' ORDER BY seq`);
  const claim = db.prepare(`UPDATE training_queue SET state = 'running', attempts = attempts + 1 WHERE shop = ? AND state = 'queued'`);
  const requeue = db.prepare(`UPDATE training_queue SET state = 'queued' WHERE shop = ?`);
  const remove = db.prepare('DELETE FROM training_queue WHERE shop = ?');
  const removeQueued = db.prepare(`DELETE FROM training_queue WHERE shop = ? AND state = 'queued'`);
  return {
    /** False when the shop is already queued or running. */
    add: (shop: ShopDomain): boolean => add.run(shop, new Date().toISOString()).changes === 1,
    get(shop: ShopDomain): TrainingQueueEntry | undefined {
      const row = get.get(shop);
      return row && toEntry(row);
    },
    /** Waiting entries that will run before this one. */
    ahead: (entry: TrainingQueueEntry): number => ahead.get(entry.seq)!.n,
    next(): TrainingQueueEntry | undefined {
      const row = next.get();
      return row && toEntry(row);
    },
    running: (): TrainingQueueEntry[] => running.all().map(toEntry),
    /** Marks a waiting entry running and counts the attempt; false if it was not waiting. */
    claim: (shop: ShopDomain): boolean => claim.run(shop).changes === 1,
    /** Puts a running entry back in its place (its seq is kept, so it runs before later arrivals). */
    requeue: (shop: ShopDomain): void => void requeue.run(shop),
    remove: (shop: ShopDomain): void => void remove.run(shop),
    /** Takes the shop out if it is still waiting; true if it was. */
    removeQueued: (shop: ShopDomain): boolean => removeQueued.run(shop).changes === 1,
  };
}

export type TrainingQueueRepo = ReturnType<typeof createTrainingQueueRepo>;
export const trainingQueueRepo = perDb(createTrainingQueueRepo);
