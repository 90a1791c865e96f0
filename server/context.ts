import type {Shopify} from '@shopify/shopify-api';
import type {Config} from './config';
import {openAppDb, ShopDbs} from './db/open';
import type {Db} from './db/open';
import {createLogger} from './log';
import type {Logger} from './log';
import {createShopify} from './shopify';
import type {ShopDomain} from './shop-domain';

/** What every route and job needs, built once by createContext and passed down (no module-level singletons). */
export interface AppContext {
  config: Config;
  appDb: Db;
  shopDbs: ShopDbs;
  shopify: Shopify;
  log: Logger;
  /** Pins, exclusions or settings changed for these products: queue a republish of their metafields. */
  onCurationChanged(shop: ShopDomain, productIds: number[]): void;
  /** A bulk operation finished (webhook): resume the backfill waiting on it. */
  onBulkOperationFinished(shop: ShopDomain, bulkOperationId: string): void;
  /** A shop installed (or re-installed) the app and we hold its offline token: start the backfill. */
  onInstalled(shop: ShopDomain): void;
}

/** Opens the databases and builds the Shopify client; the background jobs hang off the hooks. */
export function createContext(config: Config, log: Logger = createLogger()): AppContext {
  const ctx: AppContext = {
    config,
    appDb: openAppDb(config.dataDir),
    shopDbs: new ShopDbs(config.dataDir),
    shopify: createShopify(config),
    log,
    onCurationChanged: () => {},
    onBulkOperationFinished: () => {},
    onInstalled: () => {},
  };
  return ctx;
}

export function closeContext(ctx: AppContext): void {
  ctx.shopDbs.closeAll();
  ctx.appDb.close();
}
