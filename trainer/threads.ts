import {availableParallelism} from 'node:os';
import {Worker} from 'node:worker_threads';
import type {KernelOrders, RankSpec, ScoreParams} from './score';
import {addDiscovery, rankBySpec} from './score';
import type {Embeddings} from './embed';
import type {Baskets} from './load';
import type {ItemBaskets, RankedLists} from './pairs';
import {equalCuts, range} from './pairs';
import type {Job, Reply} from './thread-protocol';
import type {ListData} from './list-files';
import {writeListRows} from './list-files';

/**
 * Worker threads for the two stages that split by anchor: the kernel passes and writing the list files.
 * Anchors are cut into contiguous ranges of about equal work, the calling thread takes the first (none while a
 * task runs `alongside` on it) and worker threads the others, and the results of disjoint ranges are joined in
 * order, so the output is the same as on one thread. Workers are started by the constructor, so their start-up
 * overlaps loading the orders. With one thread everything runs inline; a worker that fails costs only speed:
 * its range is redone inline.
 */
export class TrainerThreads {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, {worker: Worker; resolve: (lists: RankedLists | undefined) => void; reject: (err: Error) => void}>();
  private nextId = 0;
  /** Jobs worker threads completed so far (the rest ran inline): what tells a split run from a fallback. */
  remoteJobs = 0;
  /** Anchor ranges the calling thread ranked itself. */
  localJobs = 0;
  /** Background tasks running on the calling thread (see `alongside`). */
  private busy = 0;

  /**
   * `threads`: threads working at once, the calling one included (default: the cores, at most 4). `entry`: the
   * worker's entry module (tests start a broken one to see the fallback).
   */
  constructor(threads = Math.min(availableParallelism(), 4), entry = new URL('./threads-worker.mjs', import.meta.url)) {
    for (let i = 1; i < threads; i++) {
      // In the bundle (command.ts) the entry is the bundled worker; run from source (tests), it is the .mjs that
      // registers tsx first, since Node 20 workers do not inherit the parent's loader.
      const worker = new Worker(entry);
      // An idle worker does not keep the process alive; one with a job in hand does (see request).
      worker.unref();
      worker.on('message', (reply: Reply) => {
        const p = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (![...this.pending.values()].some((q) => q.worker === worker)) worker.unref();
        if (reply.error !== undefined) return p?.reject(new Error(reply.error));
        this.remoteJobs++;
        p?.resolve(reply.lists);
      });
      worker.on('error', (err) => this.fail(worker, err));
      worker.on('exit', (code) => this.fail(worker, new Error(`worker thread exited with code ${code}`)));
      this.workers.push(worker);
    }
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Runs `task` (work that yields to the event loop often, like the embedding stage) on the calling thread while
   * kernel passes go to the worker threads only: the calling thread's share would otherwise wait for the task.
   */
  async alongside<T>(task: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await task();
    } finally {
      this.busy--;
    }
  }

  /** rankBySpec over every anchor. */
  async rank(orders: KernelOrders, spec: RankSpec, k: number): Promise<RankedLists> {
    const {baskets, freq, index} = orders;
    // The calling thread takes the first range, unless a task runs alongside on it and workers can take all.
    const inline = this.busy === 0 || this.workers.length === 0 ? 1 : 0;
    const cuts = shardCuts(baskets, index, this.workers.length + inline);
    const shared = {offsets: baskets.offsets, items: baskets.items, timestamps: baskets.timestamps, prices: baskets.prices, count: baskets.count, nItems: baskets.itemIds.length};
    const remote = this.workers.map((worker, i) => {
      const [from, to] = [cuts[i + inline], cuts[i + inline + 1]];
      return this.request(worker, {type: 'rank', baskets: shared, freq, index, spec, k, from, to}).then(
        (lists) => lists!,
        () => rankBySpec(orders, spec, k, range(from, to)),
      );
    });
    const local = inline ? [rankBySpec(orders, spec, k, range(cuts[0], cuts[1]))] : [];
    this.localJobs += inline;
    return concatShards([...local, ...(await Promise.all(remote))], cuts);
  }

  /** rankCompanions (score.ts), its kernel passes split across the pool. */
  async rankCompanions(orders: KernelOrders, params: ScoreParams, k: number, opts: {embeddings?: Embeddings; mostBought?: RankedLists} = {}): Promise<RankedLists> {
    const primary = await this.rank(orders, {kind: 'companions', params, embeddings: opts.embeddings}, k);
    if (params.discoverySlots <= 0) return primary;
    const mostBought = opts.mostBought ?? (await this.rank(orders, {kind: 'mostBought', params}, k));
    return addDiscovery(orders, params, k, primary, mostBought, opts.embeddings);
  }

  /**
   * writeListRows (write.ts) for anchors [from, to) on a worker thread (the `worker`-th; inline without one).
   * A worker that fails is retried inline, so the part files are always complete.
   */
  async writeListRows(worker: number, files: {recommendations: string; pairs: string}, data: ListData, from: number, to: number): Promise<void> {
    const w = this.workers[worker];
    if (w) {
      try {
        await this.request(w, {type: 'write', files, data, from, to});
        return;
      } catch {
        // Written again below from the start: the part files are recreated.
      }
    }
    await writeListRows(files, data, from, to, false);
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private request(worker: Worker, job: Job): Promise<RankedLists | undefined> {
    if (!this.workers.includes(worker)) return Promise.reject(new Error('worker thread is gone'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {worker, resolve, reject});
      worker.ref();
      worker.postMessage({id, job});
    });
  }

  /** Drops a broken worker; the caller redoes what it had in hand inline. */
  private fail(worker: Worker, err: Error): void {
    const at = this.workers.indexOf(worker);
    if (at < 0) return;
    this.workers.splice(at, 1);
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.pending.delete(id);
      p.reject(err);
    }
  }
}

/** Anchor range boundaries [cuts[s], cuts[s + 1]) of `shards` ranges holding about equal kernel work. */
export function shardCuts(baskets: Baskets, index: ItemBaskets, shards: number): number[] {
  const nItems = baskets.itemIds.length;
  const work = new Float64Array(nItems + 1);
  for (let a = 0; a < nItems; a++) {
    let w = 0;
    for (let t = index.offsets[a]; t < index.offsets[a + 1]; t++) {
      const b = index.baskets[t];
      w += baskets.offsets[b + 1] - baskets.offsets[b];
    }
    work[a + 1] = work[a] + w;
  }
  return equalCuts(work, shards);
}

/** One RankedLists from shard s's lists for anchors [cuts[s], cuts[s + 1]). */
export function concatShards(parts: RankedLists[], cuts: number[]): RankedLists {
  const nItems = cuts[cuts.length - 1];
  const total = parts.reduce((n, p, s) => n + p.offsets[cuts[s + 1]] - p.offsets[cuts[s]], 0);
  const out: RankedLists = {offsets: new Uint32Array(nItems + 1), items: new Uint32Array(total), scores: new Float64Array(total), counts: new Uint32Array(total), weights: new Float64Array(total)};
  let used = 0;
  parts.forEach((p, s) => {
    const from = p.offsets[cuts[s]];
    const to = p.offsets[cuts[s + 1]];
    for (let a = cuts[s]; a < cuts[s + 1]; a++) out.offsets[a] = used + p.offsets[a] - from;
    out.items.set(p.items.subarray(from, to), used);
    out.scores.set(p.scores.subarray(from, to), used);
    out.counts.set(p.counts.subarray(from, to), used);
    out.weights.set(p.weights.subarray(from, to), used);
    used += to - from;
  });
  out.offsets[nItems] = used;
  return out;
}

