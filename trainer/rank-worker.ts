import {parentPort} from 'node:worker_threads';
import type {RankSpec} from './blend';
import {rankBySpec} from './blend';
import type {Baskets} from './load';
import type {ItemBaskets, RankedLists} from './pairs';
import {range} from './rank-pool';

/** One range of anchors to rank (rank-pool.ts): the baskets' arrays, their transpose, and what to rank by. */
export type RankRequest = {
  id: number;
  baskets: Pick<Baskets, 'offsets' | 'items' | 'timestamps' | 'count'> & {nItems: number};
  index: ItemBaskets;
  spec: RankSpec;
  k: number;
  from: number;
  to: number;
};

export type RankReply = {id: number; lists: RankedLists};

parentPort?.on('message', (req: RankRequest) => {
  // Only the arrays cross threads; ranking reads no ids, titles or prices.
  const baskets: Baskets = {...req.baskets, itemIds: new Array<string>(req.baskets.nItems), titles: [], prices: new Float64Array(0)};
  const lists = rankBySpec(baskets, req.spec, req.k, req.index, range(req.from, req.to));
  const reply: RankReply = {id: req.id, lists};
  parentPort!.postMessage(reply, [lists.offsets.buffer, lists.items.buffer, lists.scores.buffer, lists.counts.buffer, lists.weights.buffer] as ArrayBuffer[]);
});
