import {parentPort} from 'node:worker_threads';
import {rankBySpec} from './score';
import type {Baskets} from './load';
import type {RankedLists} from './pairs';
import {range} from './pairs';
import type {Job, Reply, Request} from './thread-protocol';
import {writeListRows} from './list-files';

async function run(job: Job): Promise<RankedLists | undefined> {
  if (job.type === 'write') {
    await writeListRows(job.files, job.data, job.from, job.to, false);
    return undefined;
  }
  // Only the arrays cross threads; ranking reads no ids or titles.
  const baskets: Baskets = {...job.baskets, itemIds: new Array<string>(job.baskets.nItems), titles: []};
  return rankBySpec({baskets, freq: job.freq, index: job.index}, job.spec, job.k, range(job.from, job.to));
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
