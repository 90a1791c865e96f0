import express from 'express';
import type {Services} from '../../services';
import {analyticsRouter} from './analytics';
import {bundleDiscountRouter} from './bundle-discount';
import {bundlesRouter} from './bundles';
import {curationRouter} from './curation';
import {dataRequestsRouter} from './data-requests';
import {insightsRouter} from './insights';
import {productsRouter} from './products';
import {settingsRouter} from './settings';
import {statusRouter} from './status';
import {trainingRouter} from './training';

/**
 * Everything under `/api`, for the embedded admin. Mounted by createApp behind requireSessionToken, which sets
 * `res.locals.shop`; every handler reads the shop from there and nowhere else.
 */
export function apiRouter(
  ctx: Pick<Services, 'shopDbs' | 'reads' | 'models' | 'republish' | 'publishExperiment' | 'training' | 'config' | 'appDb' | 'shopify' | 'log'>,
): express.Router {
  const router = express.Router();
  router.use(statusRouter(ctx));
  router.use(productsRouter(ctx));
  router.use(curationRouter(ctx));
  router.use(bundlesRouter(ctx));
  router.use(insightsRouter(ctx));
  router.use(analyticsRouter(ctx));
  router.use(settingsRouter(ctx));
  router.use(bundleDiscountRouter(ctx));
  router.use(trainingRouter(ctx));
  router.use(dataRequestsRouter(ctx));
  return router;
}
