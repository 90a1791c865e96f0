import express from 'express';
import type {Services} from '../../services';
import {adminModelReads} from '../../../storage/repos/model-admin';
import type {ShopDomain} from '../../../storage/shop-domain';
import {sendError} from './http';

/**
 * `GET /api/training`: the active model (version, when, backend, its evaluation against the baselines), the
 * latest runs with live progress, and where the shop's next run stands in the training queue (`queue`:
 * `{state: 'queued', ahead}`, `{state: 'running', worker?}` or null; `paused`: why trainings cannot start now, or
 * null). `POST /api/training`: "Retrain now", started at
 * once when a slot is free, else queued (both 202); 409 while the shop is already queued or running.
 */
export function trainingRouter(ctx: Pick<Services, 'shopDbs' | 'training'>): express.Router {
  const router = express.Router();

  const state = (shop: ShopDomain) => {
    const model = adminModelReads(ctx.shopDbs.get(shop));
    const active = model.active();
    const runs = model.runs(10);
    const running = runs.find((r) => r.status === 'running') ?? null;
    return {active, runs, running, queue: ctx.training.position(shop), paused: ctx.training.paused?.() ?? null};
  };

  router.get('/training', (_req, res) => {
    res.json(state(res.locals.shop));
  });

  router.post('/training', (_req, res) => {
    const shop = res.locals.shop;
    // The same entry point as the schedule's, so a model trained now is published to the metafields too.
    const result = ctx.training.start(shop, 'merchant');
    if (result.started) return void res.status(202).json({runId: result.runId, ...state(shop)});
    if (result.queued) return void res.status(202).json({queued: true, ahead: result.ahead, ...state(shop)});
    sendError(res, 409, 'training_running', result.reason);
  });

  return router;
}
