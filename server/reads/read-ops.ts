import type {Db} from '../../storage/open';
import {catalogRepo} from '../../storage/repos/catalog';
import {modelCartPage, modelCompanionPage} from '../../storage/repos/model-serving';
import {readInsights} from './insights';
import {publishStep} from './publish-changes';

/**
 * The reads a read thread runs, by name: each takes the shop's read-only handle first, then the plain values the
 * event loop sent (structured-cloned), and returns plain values. Reads that can touch a whole catalogue or model
 * live here, never on the event loop ([T]).
 */
export const readOps = {
  insights: readInsights,
  /** `GET /api/products`: one page of the search with its count (storage/repos/catalog.ts). */
  productSearch: (db: Db, query: string, limit: number, offset: number) => catalogRepo(db).search(query, limit, offset),
  /** A page of a version's companion lists, for the model cache (server/recommend/model-cache.ts). */
  companionPage: modelCompanionPage,
  /** A page of a version's cart weights, for the model cache. */
  cartPage: modelCartPage,
  /** The next few hundred products' metafield changes, for a publish (server/publish/metafields.ts). */
  publishStep,
};

export type ReadOps = typeof readOps;
export type ReadName = keyof ReadOps;
/** The arguments a read takes after the handle. */
export type ReadArgs<K extends ReadName> = Parameters<ReadOps[K]> extends [Db, ...infer Rest] ? Rest : never;
export type ReadResult<K extends ReadName> = ReturnType<ReadOps[K]>;

/** Thread protocol: a read for one shop, or the order to close that shop's handle (its file was replaced or removed). */
export type ReadRequest = {id: number; shop: string; name: ReadName; args: unknown[]} | {forget: string};
export type ReadReply = {id: number; result: unknown} | {id: number; error: {name: string; message: string; code?: string}};
