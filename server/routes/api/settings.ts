import express from 'express';
import type {Services} from '../../services';
import {settingsPatchSchema} from '../../../domain/settings';
import {GroupCommit} from '../../../storage/group-commit';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {settingsRepo} from '../../../storage/repos/settings';
import type {Settings} from '../../../domain/settings';
import {missingProducts, notFound, parse, sendError} from './http';

/** Settings that change what a block shows: saving one of these republishes every list. */
const BLOCK_SETTINGS: (keyof Settings)[] = [
  'maxItems', 'minConfidence', 'minLift', 'excludeTags', 'excludeTypes', 'excludeVendors', 'upsellPriceRatio', 'promotedBundle',
];

/** `GET/PUT /api/settings`: block defaults, holdout share, retrain schedule, retention. */
export function settingsRouter(ctx: Pick<Services, 'shopDbs' | 'republish' | 'publishExperiment'>): express.Router {
  const router = express.Router();
  const commits = new GroupCommit();
  router.get('/settings', (_req, res) => {
    res.json({settings: settingsRepo(ctx.shopDbs.get(res.locals.shop)).get()});
  });
  router.put('/settings', async (req, res) => {
    const patch = parse(res, settingsPatchSchema, req.body);
    if (!patch) return;
    const shop = res.locals.shop;
    const db = ctx.shopDbs.get(shop);
    const bundle = patch.promotedBundle;
    if (bundle) {
      if (new Set(bundle).size !== bundle.length) return sendError(res, 400, 'invalid_input', 'a product is in the bundle twice', {promotedBundle: 'duplicates'});
      // The storefront shows the promoted bundle as it is: only this shop's own products may be in it.
      if (missingProducts(db, bundle).length) return notFound(res, 'product');
    }
    // Saved as webhooks are: committed at once, answered once an fsync off the event loop has it on disk. With
    // synchronous = FULL the commit waited for the disk on the loop (isolation bench, load 12-17 on 2 cores: 2-8 ms
    // at the median, 12-30 ms at p90), and every other shop's request with it.
    const {before, settings} = await commits.run(db, () => ({before: settingsRepo(db).get(), settings: settingsRepo(db).update(patch)}));
    const changed = BLOCK_SETTINGS.some((k) => JSON.stringify(before[k]) !== JSON.stringify(settings[k]));
    // Every list: which products have one is worked out by the republish, on the read threads, not here on the request.
    if (changed) ctx.republish(shop);
    // A new share starts a new experiment period (fresh salt); the storefront learns it from the app-data metafield.
    const periods = experimentPeriodsRepo(db);
    if (before.holdoutShare !== settings.holdoutShare || !periods.current()) ctx.publishExperiment(shop, periods.forShare(settings.holdoutShare));
    res.json({settings});
  });
  return router;
}
