import {fsyncLane} from './fsync-lane';
import type {FsyncFailed} from './fsync-lane';
import type {Db} from './open';

type Outcome = {ok: true; value: unknown} | {ok: false; error: unknown};

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** One shop file's deliveries: those waiting for the next transaction, and those committed but not yet on disk. */
class FileCommits {
  private pending: Job[] = [];
  private unsynced: {job: Job; value: unknown}[] = [];
  private scheduled = false;
  private syncing = false;
  /** The handle's own level (FULL, storage/open.ts), put back after each group's commit for its other writers. */
  private readonly level: number;

  constructor(private readonly db: Db) {
    this.level = Number(db.pragma('synchronous', {simple: true}));
  }

  add(job: Job): void {
    this.pending.push(job);
    // While an fsync runs, deliveries gather for the transaction that follows it.
    if (!this.syncing) this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0) return;
    this.scheduled = true;
    // Every delivery whose body was read in this turn of the loop joins the same transaction.
    setImmediate(() => this.commit());
  }

  /**
   * One transaction for every pending delivery (one that throws rolls back alone), committed without waiting
   * for the disk: the fsync that follows runs off the event loop, so the server keeps reading and checking
   * deliveries meanwhile, and they form the next transaction when it is done.
   */
  private commit(): void {
    this.scheduled = false;
    const jobs = this.pending;
    this.pending = [];
    let outcomes: Outcome[];
    try {
      // Set by compiling the PRAGMA each time: SQLite applies it when the statement is prepared, so a prepared
      // one run again changes nothing (the handle stayed at NORMAL after its first group, for every writer).
      this.db.pragma('synchronous = NORMAL');
      try {
        // Savepoints cost about a third of the commit (measured: 80 against 48 µs a delivery in batches of 32), and
        // a delivery that throws is rare: try the batch without them, and only if one throws roll it all back and
        // run it again with one savepoint each, so that delivery rolls back alone.
        try {
          outcomes = this.transaction(jobs, false);
        } catch {
          outcomes = this.transaction(jobs, true);
        }
      } finally {
        this.db.pragma(`synchronous = ${this.level}`);
      }
    } catch (error) {
      // The handle closed, the disk refused the commit, or a transaction was already open: nothing is acknowledged.
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => {
      const o = outcomes[i];
      // A delivery that wrote nothing still waits: what it read (a receipt, say) may not be on disk yet.
      if (o.ok) this.unsynced.push({job, value: o.value});
      else job.reject(o.error);
    });
    this.sync();
  }

  /** Runs the jobs in one transaction; without savepoints, the first one that throws rolls back the whole. */
  private transaction(jobs: Job[], savepoints: boolean): Outcome[] {
    return this.db.transaction(() =>
      jobs.map((job): Outcome => {
        if (!savepoints) return {ok: true, value: job.work()};
        try {
          return {ok: true, value: this.db.transaction(job.work)()};
        } catch (error) {
          return {ok: false, error};
        }
      }),
    )();
  }

  /**
   * Settles the committed deliveries once an fsync of the WAL that began after their commit has finished: the
   * fsync that synchronous = FULL makes inside each commit, done once for all of them. Waiting for it before the
   * next transaction makes each transaction as large as the deliveries that arrived meanwhile: measured, fewer
   * and larger commits cost the server 1.3 ms of CPU per delivery against 1.6 ms committing on every turn.
   */
  private sync(): void {
    if (this.syncing || this.unsynced.length === 0) return;
    this.syncing = true;
    const batch = this.unsynced;
    this.unsynced = [];
    // The WAL is opened by path each time rather than kept open: SQLite may delete it and start a new one (when
    // the last connection closes), and an fsync of a stale descriptor would flush the wrong file.
    fsyncLane.datasync(`${this.db.name}-wal`)
      .catch((err: FsyncFailed) => {
        // No WAL any more: the last connection closed, which checkpoints into the main file first.
        if (err.code === 'ENOENT') return fsyncLane.datasync(this.db.name);
        throw err;
      })
      .then(
        () => batch.forEach(({job, value}) => job.resolve(value)),
        (err: unknown) => batch.forEach(({job}) => job.reject(err)),
      )
      .finally(() => {
        this.syncing = false;
        this.schedule();
      });
  }
}

/**
 * Group commit: concurrent deliveries to one shop share a transaction and an fsync instead of one each (a
 * merchant's settings save is committed the same way, so its fsync does not hold the event loop either). Each
 * caller's promise settles only after its transaction is committed and the WAL holding it is on disk, so a 200
 * still means what it meant with synchronous = FULL: the delivery survives a crash or a power loss.
 */
export class GroupCommit {
  private readonly files = new WeakMap<Db, FileCommits>();

  run<T>(db: Db, work: () => T): Promise<T> {
    let file = this.files.get(db);
    if (!file) this.files.set(db, (file = new FileCommits(db)));
    return new Promise<T>((resolve, reject) => file.add({work, resolve: resolve as (value: unknown) => void, reject}));
  }
}
