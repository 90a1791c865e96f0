import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import express from 'express';
import {LRUCache} from 'lru-cache';
import {HttpResponseError} from '@shopify/shopify-api';
import {frameAncestors} from './auth/frame-ancestors';
import {offlineSession} from './auth/offline-session';
import {requireSessionToken} from './auth/session-token';
import {runBackfill} from './backfill/bulk';
import {DEFAULT_MODEL_CACHE_MB, DEFAULT_TRUSTED_PROXIES, DEFAULT_WORKER_UPLOAD_MB, defaultTrainingConcurrency} from './config';
import type {Config} from './config';
import {declaredWithin} from './declared-length';
import {createInProcessQueue} from './jobs/queue-in-process';
import {createWorkerTraining} from './jobs/remote-runs';
import {createTraining} from './jobs/train';
import {errorHandler} from './http-errors';
import {createLogger} from './log';
import type {Logger} from './log';
import {publishExperiment} from './publish/app-metafields';
import {publishMetafields} from './publish/metafields';
import {activateWebPixel} from './publish/web-pixel';
import {ModelCache} from './recommend/model-cache';
import {readThreadModelReader} from './reads/model-reader';
import {ReadPool} from './reads/read-pool';
import type {ReadPoolOptions} from './reads/read-pool';
import {apiRouter} from './routes/api';
import {extensionRouter} from './routes/extension-events';
import {internalRouter} from './routes/internal';
import {proxyRouter} from './routes/proxy';
import type {Services} from './services';
import {createShopify} from './shopify';
import {WEBHOOK_BODY_LIMIT, webhooksRouter} from './webhooks';
import {webhookPreRead} from './webhooks/pre-read';
import {openAppDb, ShopDbs} from '../storage/open';
import {trainingQueueRepo} from '../storage/repos/training-queue';

const ADMIN_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'app', 'dist');

/** How long after a token exchange that Shopify did not answer (or failed) the shop's session tokens are not exchanged again. */
const EXCHANGE_RETRY_MS = 30_000;
/** Shops whose failed exchange is remembered (the least recent forgotten first: they may try again sooner). */
const EXCHANGE_FAILURES_HELD = 10_000;

/** The admin's JSON bodies: settings, pins and exclusions are a few KiB. */
const API_BODY_BYTES = 100 * 1024;
/** The largest body a /proxy route reads (events, 32 KiB; each route's parser holds its own, smaller or equal, limit). */
const PROXY_BODY_BYTES = 32 * 1024;

/** Parts a caller may replace: the demo and tests, where Shopify is a stand-in or absent. */
export type ServiceOverrides = Partial<Pick<Services, 'republish' | 'onInstalled' | 'publishExperiment'>> & {
  trainerEnv?: Record<string, string>;
  /** The read threads' options (tests: a thread entry that holds each read). */
  readThreads?: ReadPoolOptions;
};

/**
 * Opens the databases, builds the Shopify client and wires the jobs to each other, once: the only place that
 * knows which part calls which.
 */
export function createServices(config: Config, log: Logger = createLogger(), overrides: ServiceOverrides = {}): Services {
  const appDb = openAppDb(config.dataDir);
  const reads = new ReadPool(config.dataDir, overrides.readThreads);
  // A shop file replaced or removed under the server is closed on the read threads too.
  const shopDbs = new ShopDbs(config.dataDir, undefined, (shop) => reads.forget(shop));
  const shopify = createShopify(config);
  const models = new ModelCache(readThreadModelReader(reads), config.modelCacheBytes ?? DEFAULT_MODEL_CACHE_MB * 1024 * 1024);
  const publishing = {config, appDb, shopDbs, shopify, log, models, reads};
  // PAIRWISE_QUEUE: trainings go to BullMQ workers elsewhere, and this host trains nothing itself.
  const workers = config.queueUrl
    ? createWorkerTraining({url: config.queueUrl, appDb, dataDir: config.dataDir, shopDbs, log, published: (shop) => publishMetafields(publishing, shop)})
    : undefined;
  const services: Services = {
    ...publishing,
    workers,
    // A published model reaches the storefront's first paint through the metafields.
    training: createTraining({
      dataDir: config.dataDir,
      log,
      env: overrides.trainerEnv,
      queue: (run) => workers?.queue ?? createInProcessQueue({store: trainingQueueRepo(appDb), concurrency: config.trainingConcurrency ?? defaultTrainingConcurrency(), run, log}),
      published: (shop) => publishMetafields(publishing, shop),
    }),
    republish:
      overrides.republish ??
      ((shop, productIds) => {
        publishMetafields(publishing, shop, productIds).catch((err) => log('warn', 'metafield republish failed', {shop, error: String(err)}));
      }),
    publishExperiment:
      overrides.publishExperiment ??
      ((shop, period) => {
        publishExperiment(publishing, shop, period).catch((err) => log('warn', 'experiment publish failed', {shop, error: String(err)}));
      }),
    onInstalled:
      overrides.onInstalled ??
      ((shop) => {
        runBackfill(services, shop).catch(() => {}); // failures are logged and recorded in the backfills table
        // Orders that skip the cart are attributed through the pixel; a failure leaves them unattributed, not lost.
        activateWebPixel(services, shop).catch((err) => log('warn', 'web pixel activation failed', {shop, error: String(err)}));
      }),
  };
  return services;
}

export function closeServices(services: Pick<Services, 'appDb' | 'shopDbs'> & Partial<Pick<Services, 'workers' | 'reads'>>): void {
  void services.workers?.queue.close();
  void services.reads?.close();
  services.shopDbs.closeAll();
  services.appDb.close();
}

/**
 * Builds the Express app (no listen: main.ts and the tests do that). Order matters: webhooks read their raw
 * body before any JSON parser could consume it.
 */
export function createApp(services: Services): express.Application {
  const {config, log} = services;
  const app = express();
  app.disable('x-powered-by');
  // req.ip is the address the last PAIRWISE_TRUSTED_PROXIES proxies saw, never an entry the client wrote itself.
  app.set('trust proxy', config.trustedProxies ?? DEFAULT_TRUSTED_PROXIES);
  // No response is ever sniffed into another type (a JSON error rendered as HTML, say).
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });

  app.use('/webhooks', webhookPreRead(WEBHOOK_BODY_LIMIT, log), webhooksRouter(services));
  app.use('/proxy', declaredWithin(PROXY_BODY_BYTES), proxyRouter(services));
  app.use('/extension', extensionRouter(services));
  // Workers call /internal/* on the internal listener (createInternalApp); here it is no route, not the admin page.
  app.use('/internal', (_req, res) => void res.status(404).json({error: {code: 'not_found', message: 'no such route'}}));

  // The first verified session token of a shop is exchanged for its offline token, off the request path. When
  // Shopify could not be reached or failed (no answer, 5xx), the shop's next requests do not try again for a
  // while: each admin request was another call to Shopify, and the isolation bench (no Shopify) spent 0.5 s of
  // its 15 s event loop on them ([T] round 4). A refusal (4xx) is an answer about that token, and the next one
  // (after a re-install, say) is exchanged at once.
  const unreachable = new LRUCache<string, true>({max: EXCHANGE_FAILURES_HELD, ttl: EXCHANGE_RETRY_MS});
  const onVerified = (shop: Parameters<typeof offlineSession>[1], token: string) => {
    if (unreachable.has(shop)) return;
    offlineSession(services, shop, token, services.onInstalled).catch((err) => {
      if (!(err instanceof HttpResponseError && err.response.code < 500)) unreachable.set(shop, true);
      log('warn', 'token exchange failed', {shop, error: String(err)});
    });
  };
  // Shop data, refusals included: no browser or proxy keeps a copy.
  app.use('/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use('/api', requireSessionToken(services, onVerified), declaredWithin(API_BODY_BYTES), express.json({limit: API_BODY_BYTES}));
  app.use('/api', apiRouter(services));
  app.use('/api', (_req, res) => void res.status(404).json({error: {code: 'not_found', message: 'no such route'}}));

  if (existsSync(join(ADMIN_DIST, 'index.html'))) {
    // The admin page is loaded inside Shopify admin's iframe, for one shop.
    app.use((req, res, next) => {
      res.setHeader('Content-Security-Policy', frameAncestors(req.query.shop));
      next();
    });
    app.use(express.static(ADMIN_DIST, {index: false, maxAge: '1h'}));
    // Every other GET is a page of the single-page admin; App Bridge reads our api key from its meta tag.
    const page = readFileSync(join(ADMIN_DIST, 'index.html'), 'utf8').replaceAll('%SHOPIFY_API_KEY%', config.apiKey);
    app.get(/^\/(?!api\/|proxy\/|webhooks).*/, (_req, res) => void res.type('html').set('Cache-Control', 'no-store').send(page));
  }

  app.use(errorHandler(log));
  return app;
}

/**
 * The internal listener's app (PAIRWISE_INTERNAL_PORT, main.ts): the workers' `/internal/*` and nothing else,
 * so the public port never answers it. Only with PAIRWISE_QUEUE.
 */
export function createInternalApp(services: Services & {workers: NonNullable<Services['workers']>}): express.Application {
  const {config, log} = services;
  const app = express();
  app.disable('x-powered-by');
  app.use('/internal', internalRouter({secret: config.workerSecret!, uploadBytes: config.workerUploadBytes ?? DEFAULT_WORKER_UPLOAD_MB * 1024 * 1024, runs: services.workers.runs, log}));
  app.use((_req, res) => void res.status(404).json({error: {code: 'not_found', message: 'no such route'}}));
  app.use(errorHandler(log));
  return app;
}
