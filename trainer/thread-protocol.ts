import type {RankSpec} from './score';
import type {ListData} from './list-files';
import type {Baskets} from './load';
import type {ItemBaskets, RankedLists} from './pairs';

// The messages between the pool (threads.ts) and a worker thread (threads-worker.ts): types only, so a worker
// loads none of the pool's code.

/** The jobs a worker thread takes (threads.ts): rank a range of anchors, or write a range's list rows to part files. */
export type Job =
  | {
      type: 'rank';
      baskets: Pick<Baskets, 'offsets' | 'items' | 'timestamps' | 'prices' | 'count'> & {nItems: number};
      freq: Uint32Array;
      index: ItemBaskets;
      spec: RankSpec;
      k: number;
      from: number;
      to: number;
    }
  | {type: 'write'; files: {recommendations: string; pairs: string}; data: ListData; from: number; to: number};

export type Request = {id: number; job: Job};
export type Reply = {id: number; lists?: RankedLists; error?: string};
