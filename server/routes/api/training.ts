import express from 'express';
import type {AppContext} from '../../context';
import {sendError} from './http';
import {adminModelReads} from '../../db/repos/models';
import type {ShopDomain} from '../../shop-domain';

/** Starts a training run for the shop in the background; whatever it returns is not waited for. */
export type StartTraining = (dataDir: string, shop: ShopDomain) => unknown;

/** A run that has not moved for this long is taken as dead (its process crashed), so "Retrain now" works again. */
const STALE_RUN_MS = 30 * 60_000;

/**
 * `GET /api/training`: the active model (version, when, backend, its evaluation against the baselines) and
 * the latest runs with live progress. `POST /api/training`: "Retrain now" (409 while a run is going).
 */
export function trainingRouter(ctx: AppContext, startTraining: StartTraining): express.Router {
  const router = express.Router();

  const state = (shop: ShopDomain) => {
    const model = adminModelReads(ctx.shopDbs.get(shop));
    const active = model.active();
    const runs = model.runs(10);
    const running = runs.find((r) => r.status === 'running' && Date.now() - Date.parse(r.startedAt) < STALE_RUN_MS) ?? null;
    return {active, runs, running};
  };

  router.get('/training', (_req, res) => {
    res.json(state(res.locals.shop));
  });

  router.post('/training', (_req, res) => {
    const shop = res.locals.shop;
    if (state(shop).running) return sendError(res, 409, 'training_running', 'a training run is already going');
    try {
      const started = startTraining(ctx.shopDbs.dataDir, shop);
      if (started instanceof Promise) {
        started.catch((err: unknown) => ctx.log('error', 'training failed', {shop, error: String(err)}));
      }
    } catch (err) {
      ctx.log('error', 'training could not start', {shop, error: String(err)});
      return sendError(res, 500, 'training_failed', 'training could not start');
    }
    res.status(202).json(state(shop));
  });

  return router;
}
