import type {Db} from '../../storage/open';

/** Webhooks are not latency-sensitive: Shopify waits up to 5 s for the answer. */
const GROUP_WINDOW_MS = 3;

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: deliveries that arrive while a commit is being prepared share one durable transaction (one
 * fsync) instead of one each. Every delivery runs in its own savepoint, so one that throws rolls back alone;
 * each caller's promise settles only after the shared commit, so a 200 still means "on disk".
 */
export class GroupCommit {
  private readonly queues = new Map<Db, Job[]>();

  run<T>(db: Db, work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let queue = this.queues.get(db);
      if (!queue) {
        this.queues.set(db, (queue = []));
        // A short window lets deliveries still being verified join this commit.
        setTimeout(() => this.flush(db), GROUP_WINDOW_MS);
      }
      queue.push({work, resolve: resolve as (value: unknown) => void, reject});
    });
  }

  private flush(db: Db): void {
    const jobs = this.queues.get(db) ?? [];
    this.queues.delete(db);
    const outcomes: ({ok: true; value: unknown} | {ok: false; error: unknown})[] = [];
    try {
      db.transaction(() => {
        for (const job of jobs) {
          try {
            outcomes.push({ok: true, value: db.transaction(job.work)()});
          } catch (error) {
            outcomes.push({ok: false, error});
          }
        }
      })();
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => {
      const o = outcomes[i];
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    });
  }
}
