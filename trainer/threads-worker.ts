import {parentPort} from 'node:worker_threads';
import type {RankSpec} from './blend';
import {rankBySpec} from './blend';
import type {Baskets} from './load';
import type {ItemBaskets, RankedLists} from './pairs';
import {range} from './threads';
import type {ListData} from './write';
import {writeListRows} from './write';

/** The jobs a worker thread takes (threads.ts): rank a range of anchors, or write a range's list rows to part files. */
export type Job =
  | {
      type: 'rank';
      baskets: Pick<Baskets, 'offsets' | 'items' | 'timestamps' | 'prices' | 'count'> & {nItems: number};
      index: ItemBaskets;
      spec: RankSpec;
      k: number;
      from: number;
      to: number;
    }
  | {type: 'write'; files: {recommendations: string; pairs: string}; data: ListData; from: number; to: number};

export type Request = {id: number; job: Job};
export type Reply = {id: number; lists?: RankedLists; error?: string};

async function run(job: Job): Promise<RankedLists | undefined> {
  if (job.type === 'write') {
    await writeListRows(job.files, job.data, job.from, job.to, false);
    return undefined;
  }
  // Only the arrays cross threads; ranking reads no ids or titles.
  const baskets: Baskets = {...job.baskets, itemIds: new Array<string>(job.baskets.nItems), titles: []};
  return rankBySpec(baskets, job.spec, job.k, job.index, range(job.from, job.to));
}

parentPort?.on('message', ({id, job}: Request) => {
  run(job).then(
    (lists) => {
      const transfer = lists ? [lists.offsets.buffer, lists.items.buffer, lists.scores.buffer, lists.counts.buffer, lists.weights.buffer] : [];
      parentPort!.postMessage({id, lists} satisfies Reply, transfer as ArrayBuffer[]);
    },
    (err: unknown) => parentPort!.postMessage({id, error: err instanceof Error ? err.message : String(err)} satisfies Reply),
  );
});
