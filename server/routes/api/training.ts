import express from 'express';
import type {AppContext} from '../../context';
import {adminModelReads} from '../../../storage/repos/models';
import type {StartResult} from '../../jobs/train';
import type {ShopDomain} from '../../../storage/shop-domain';
import {sendError} from './http';

/** Starts a training run for the shop in the background (jobs/train.ts), or says why it did not. */
export type StartTraining = (dataDir: string, shop: ShopDomain) => StartResult;

/**
 * `GET /api/training`: the active model (version, when, backend, its evaluation against the baselines) and
 * the latest runs with live progress. `POST /api/training`: "Retrain now" (409 while a run is going: the job keeps one run per shop).
 */
export function trainingRouter(ctx: AppContext, startTraining: StartTraining): express.Router {
  const router = express.Router();

  const state = (shop: ShopDomain) => {
    const model = adminModelReads(ctx.shopDbs.get(shop));
    const active = model.active();
    const runs = model.runs(10);
    const running = runs.find((r) => r.status === 'running') ?? null;
    return {active, runs, running};
  };

  router.get('/training', (_req, res) => {
    res.json(state(res.locals.shop));
  });

  router.post('/training', (_req, res) => {
    const shop = res.locals.shop;
    const result = startTraining(ctx.shopDbs.dataDir, shop);
    if (!result.started) return sendError(res, 409, 'training_running', result.reason);
    res.status(202).json({runId: result.runId, ...state(shop)});
  });

  return router;
}
