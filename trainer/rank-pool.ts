import {availableParallelism} from 'node:os';
import {Worker} from 'node:worker_threads';
import type {RankSpec, ScoreParams} from './blend';
import {addDiscovery, rankBySpec} from './blend';
import type {Embeddings} from './embed';
import type {Baskets} from './load';
import type {ItemBaskets, RankedLists} from './pairs';
import {transpose} from './pairs';
import type {RankRequest, RankReply} from './rank-worker';

/**
 * The kernel pass split across threads. Anchors are cut into contiguous ranges of about equal work (the
 * co-occurrences each anchor's baskets hold), worker threads rank all ranges but the first, which the calling
 * thread ranks itself, and the lists of disjoint ranges are concatenated: the result is the same as one
 * rankBySpec over every anchor. Workers are started by the constructor, so their start-up (a quarter of a
 * second under tsx) overlaps loading the orders. A pool of one thread ranks inline; a worker that fails costs
 * only speed: its range is ranked inline.
 */
export class RankPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, {resolve: (lists: RankedLists) => void; reject: (err: Error) => void}>();
  private nextId = 0;
  /** Ranges ranked by worker threads so far (the rest ran inline): what tells a split run from a fallback. */
  remoteRanges = 0;

  /** `threads`: threads ranking at once, the calling one included (default: the cores, at most 4). */
  constructor(threads = Math.min(availableParallelism(), 4)) {
    for (let i = 1; i < threads; i++) {
      // Node 20 workers do not inherit the parent's tsx loader: the .mjs entry registers it, then loads the worker.
      const worker = new Worker(new URL('./rank-worker.mjs', import.meta.url));
      worker.unref();
      worker.on('message', (reply: RankReply) => {
        const p = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        this.remoteRanges++;
        p?.resolve(reply.lists);
      });
      worker.on('error', (err) => this.fail(worker, err));
      worker.on('exit', (code) => this.fail(worker, new Error(`rank worker exited with code ${code}`)));
      this.workers.push(worker);
    }
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** rankBySpec over every anchor. */
  async rank(baskets: Baskets, spec: RankSpec, k: number, index: ItemBaskets = transpose(baskets)): Promise<RankedLists> {
    const cuts = shardCuts(baskets, index, this.workers.length + 1);
    const shared = {offsets: baskets.offsets, items: baskets.items, timestamps: baskets.timestamps, count: baskets.count, nItems: baskets.itemIds.length};
    const remote = this.workers.map((worker, i) =>
      this.request(worker, {id: this.nextId++, baskets: shared, index, spec, k, from: cuts[i + 1], to: cuts[i + 2]}).catch(() =>
        rankBySpec(baskets, spec, k, index, range(cuts[i + 1], cuts[i + 2])),
      ),
    );
    const local = rankBySpec(baskets, spec, k, index, range(cuts[0], cuts[1]));
    return concatShards([local, ...(await Promise.all(remote))], cuts);
  }

  /** rankCompanions (blend.ts), its kernel passes split across the pool. */
  async rankCompanions(baskets: Baskets, params: ScoreParams, k: number, opts: {index?: ItemBaskets; embeddings?: Embeddings; mostBought?: RankedLists} = {}): Promise<RankedLists> {
    const index = opts.index ?? transpose(baskets);
    const primary = await this.rank(baskets, {kind: 'companions', params, embeddings: opts.embeddings}, k, index);
    if (params.discoverySlots <= 0) return primary;
    const mostBought = opts.mostBought ?? (await this.rank(baskets, {kind: 'mostBought', params}, k, index));
    return addDiscovery(baskets, params, k, primary, mostBought, opts.embeddings);
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private request(worker: Worker, req: RankRequest): Promise<RankedLists> {
    if (!this.workers.includes(worker)) return Promise.reject(new Error('rank worker is gone'));
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, {resolve, reject});
      worker.postMessage(req);
    });
  }

  /** Drops a broken worker; what it had in hand is ranked inline by the caller's catch. */
  private fail(worker: Worker, err: Error): void {
    const at = this.workers.indexOf(worker);
    if (at < 0) return;
    this.workers.splice(at, 1);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
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
  const cuts = [0];
  for (let s = 1, a = 0; s < shards; s++) {
    while (a < nItems && work[a] < (work[nItems] * s) / shards) a++;
    cuts.push(a);
  }
  cuts.push(nItems);
  return cuts;
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

export function* range(from: number, to: number): Iterable<number> {
  for (let a = from; a < to; a++) yield a;
}
