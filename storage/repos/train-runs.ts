import {perDb} from '../per-db';
import type {Db} from '../open';

/** train_runs: one row per training, with the live stage and progress the admin page polls. */
function createTrainRunsRepo(db: Db) {
  const start = db.prepare<[string]>(`INSERT INTO train_runs (started_at, status, stage, progress) VALUES (?, 'running', 'starting', 0)`);
  const progress = db.prepare<[string, number, number]>(`UPDATE train_runs SET stage = ?, progress = ? WHERE id = ? AND status = 'running'`);
  const fail = db.prepare<[string, string, number]>(`UPDATE train_runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status = 'running'`);
  const running = db.prepare<[], {id: number; started_at: string}>(`SELECT id, started_at FROM train_runs WHERE status = 'running' ORDER BY id DESC`);
  const get = db.prepare<[number], {id: number; status: string; stage: string | null; progress: number; version: number | null; error: string | null}>(
    'SELECT id, status, stage, progress, version, error FROM train_runs WHERE id = ?',
  );
  const activeRun = db.prepare<[], {id: number | null}>('SELECT max(r.id) AS id FROM train_runs r JOIN model_active a ON r.version = a.version');
  return {
    start: (): number => Number(start.run(new Date().toISOString()).lastInsertRowid),
    progress: (id: number, stage: string, fraction: number): void => void progress.run(stage, fraction, id),
    /** Marks a run failed unless it already finished (a run that published stays published). */
    fail: (id: number, error: string): boolean => fail.run(new Date().toISOString(), error, id).changes > 0,
    running: () => running.all(),
    get: (id: number) => get.get(id),
    /** The run that published the active model (runs are numbered in the order they read their input), or null. */
    activeRun: (): number | null => activeRun.get()?.id ?? null,
  };
}

export const trainRunsRepo = perDb(createTrainRunsRepo);
