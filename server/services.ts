import type {Shopify} from '@shopify/shopify-api';
import type {Config} from './config';
import type {RemoteQueue} from './jobs/queue-bullmq';
import type {RemoteRuns} from './jobs/remote-runs';
import type {Training} from './jobs/train';
import type {Logger} from './log';
import type {ModelCache} from './recommend/model-cache';
import type {ReadPool} from './reads/read-pool';
import type {ExperimentPeriod} from '../domain/experiment';
import type {Db, ShopDbs} from '../storage/open';
import type {ShopDomain} from '../storage/shop-domain';

/**
 * What the server's parts are made from, built once by createServices (app.ts). Each route, handler and job
 * takes a `Pick` of the few it uses, so its signature says what it depends on and a test passes only those.
 */
export interface Services {
  config: Config;
  appDb: Db;
  shopDbs: ShopDbs;
  shopify: Shopify;
  log: Logger;
  /** Worker threads with read-only handles for the reads that can touch a whole catalogue or model (server/reads). */
  reads: ReadPool;
  /** The storefront's in-memory copy of each shop's active model. */
  models: ModelCache;
  /** The one way a training starts, whoever starts it ("Retrain now", the schedule); a published model is pushed to the metafields. */
  training: Training;
  /** With PAIRWISE_QUEUE: the BullMQ queue and the app host's side of its workers' runs (/internal/*). */
  workers?: {queue: RemoteQueue; runs: RemoteRuns};
  /**
   * Pins, exclusions or settings changed for these products (none named: every list, as after a settings
   * change): their metafields are republished in the background, which works out which lists those are.
   */
  republish(shop: ShopDomain, productIds?: number[]): void;
  /** The holdout experiment's running period changed: it is written to the app-data metafield in the background. */
  publishExperiment(shop: ShopDomain, period: ExperimentPeriod): void;
  /** A shop installed (or re-installed) the app and we hold its offline token: its backfill starts and its web pixel is activated. */
  onInstalled(shop: ShopDomain): void;
}
