import type {Shopify} from '@shopify/shopify-api';
import {runBackfill, wakeBackfill} from './backfill/bulk';
import type {Config} from './config';
import {openAppDb, ShopDbs} from '../storage/open';
import type {Db} from '../storage/open';
import {activeModelVersion, loadModelCompanions, trainRunsRepo} from '../storage/repos/models';
import {createLogger} from './log';
import {publishMetafields} from './publish/metafields';
import {ModelCache} from './recommend/model-cache';
import type {Logger} from './log';
import {createShopify} from './shopify';
import type {ShopDomain} from '../storage/shop-domain';

/** What every route and job needs, built once by createContext and passed down (no module-level singletons). */
export interface AppContext {
  config: Config;
  appDb: Db;
  shopDbs: ShopDbs;
  shopify: Shopify;
  log: Logger;
  /** The storefront's in-memory copy of each shop's active model. */
  models: ModelCache;
  /** Pins, exclusions or settings changed for these products: queue a republish of their metafields. */
  onCurationChanged(shop: ShopDomain, productIds: number[]): void;
  /** A bulk operation finished (webhook): resume the backfill waiting on it. */
  onBulkOperationFinished(shop: ShopDomain, bulkOperationId: string): void;
  /** A shop installed (or re-installed) the app and we hold its offline token: start the backfill. */
  onInstalled(shop: ShopDomain): void;
  /** "Retrain now" and the schedule: spawn the trainer for a shop, one run per shop at a time. */
  startTraining(shop: ShopDomain): Promise<{started: true; runId: number} | {started: false; reason: string}>;
}

/** Opens the databases and builds the Shopify client; the background jobs hang off the hooks. */
export function createContext(config: Config, log: Logger = createLogger()): AppContext {
  const ctx: AppContext = {
    config,
    appDb: openAppDb(config.dataDir),
    shopDbs: new ShopDbs(config.dataDir),
    shopify: createShopify(config),
    log,
    models: new ModelCache({activeVersion: activeModelVersion, loadCompanions: loadModelCompanions}),
    onCurationChanged: (shop, productIds) => {
      publishMetafields(ctx, shop, ctx.models, productIds).catch((err) =>
        log('warn', 'metafield republish failed', {shop, error: String(err)}),
      );
    },
    onBulkOperationFinished: (shop) => wakeBackfill(shop),
    // Loaded on first use, so serving the storefront and admin never loads the trainer's code.
    startTraining: async (shop) => {
      const jobs = await import('./jobs/train');
      const result = jobs.startTraining(config.dataDir, shop);
      if (result.started) {
        // A published model reaches the storefront's first paint through the metafields.
        void jobs.trainingDone(shop).then(() => {
          if (trainRunsRepo(ctx.shopDbs.get(shop)).get(result.runId)?.status !== 'published') return;
          return publishMetafields(ctx, shop, ctx.models).then(() => undefined);
        }).catch((err) => log('warn', 'metafield publish after training failed', {shop, error: String(err)}));
      }
      return result;
    },
    onInstalled: (shop) => {
      runBackfill(ctx, shop).catch(() => {}); // failures are logged and recorded in the backfills table
    },
  };
  return ctx;
}

export function closeContext(ctx: AppContext): void {
  ctx.shopDbs.closeAll();
  ctx.appDb.close();
}
