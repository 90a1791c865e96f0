import {Worker} from 'node:worker_threads';

/**
 * The threads' whole program: open a path, fdatasync it, close it, answer. Plain CommonJS evaluated as is, so
 * the thread starts the same under tsx, vitest and a build, with no loader to inherit.
 */
const PROGRAM = `
const {parentPort} = require('node:worker_threads');
const {openSync, fdatasyncSync, closeSync} = require('node:fs');
parentPort.on('message', ({id, path}) => {
  try {
    const fd = openSync(path, 'r');
    try {
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    parentPort.postMessage({id});
  } catch (e) {
    parentPort.postMessage({id, error: {code: e.code, message: String(e && e.message)}});
  }
});
`;

interface Job {
  id: number;
  path: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Lane {
  worker: Worker;
  job: Job | null;
}

/** An fdatasync that failed in a lane, with the errno code the fs module gives (`ENOENT`, `EIO`). */
export class FsyncFailed extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'FsyncFailed';
  }
}

/**
 * fdatasync on threads of its own. Through `fs/promises` a durable acknowledgement cost three trips through
 * libuv's thread pool (open, datasync, close), each answered only at the event loop's next turn: beside a shop
 * whose merchant keeps the loop busy, a webhook's 200 waited three turns for its fsync. Here it is one message,
 * answered at the next turn, and the pool's four threads, shared with crypto and every other file operation,
 * cannot hold it up. Up to as many threads as the pool, started as needed, and one at most per file, so a shop
 * whose disk is slow holds one lane and every other shop's fsync takes another. A group commit keeps one fsync
 * in flight per file, so the queue is bounded by the open shop files.
 */
export class FsyncLane {
  private readonly lanes: Lane[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;

  constructor(private readonly threads: number) {}

  /** Resolves once an fdatasync of `path` that began after this call has finished. */
  datasync(path: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({id: this.nextId++, path, resolve, reject});
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (;;) {
      // One lane at most per file (its webhooks and its settings saves may each have an fsync waiting).
      const next = this.queue.findIndex((job) => !this.lanes.some((l) => l.job?.path === job.path));
      if (next < 0) return;
      const lane = this.lanes.find((l) => l.job === null) ?? (this.lanes.length < this.threads ? this.start() : undefined);
      if (!lane) return;
      const [job] = this.queue.splice(next, 1);
      lane.job = job;
      // Held only while it works: an idle lane keeps no process alive.
      lane.worker.ref();
      lane.worker.postMessage({id: job.id, path: job.path});
    }
  }

  private start(): Lane {
    const lane: Lane = {worker: new Worker(PROGRAM, {eval: true}), job: null};
    lane.worker.unref();
    lane.worker.on('message', (answer: {id: number; error?: {code?: string; message: string}}) => {
      const job = lane.job;
      if (!job || job.id !== answer.id) return;
      lane.job = null;
      lane.worker.unref();
      if (answer.error) job.reject(new FsyncFailed(answer.error.message, answer.error.code));
      else job.resolve();
      this.dispatch();
    });
    // A thread that dies (out of memory, say) fails its fsync, never acknowledges it; the next job starts another.
    const lost = (err: unknown) => {
      const index = this.lanes.indexOf(lane);
      if (index < 0) return;
      this.lanes.splice(index, 1);
      lane.job?.reject(err);
      lane.job = null;
      this.dispatch();
    };
    lane.worker.on('error', lost);
    lane.worker.on('exit', (code) => lost(new Error(`fsync thread exited (${code})`)));
    this.lanes.push(lane);
    return lane;
  }
}

/** The process's lanes, started on first use: every shop file's durable acknowledgements go through them. */
export const fsyncLane = new FsyncLane(4);
