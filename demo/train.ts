import cliProgress from 'cli-progress';
import type {Services} from '../server/services';
import {adminModelReads} from '../storage/repos/model-admin';
import {trainRunsRepo} from '../storage/repos/train-runs';
import type {ShopDomain} from '../storage/shop-domain';

/**
 * Trains a shop the way "Retrain now" does (the server spawns the trainer process), following its progress
 * from the train_runs row the trainer updates, and returns what was published.
 */
export async function trainShop(ctx: Pick<Services, 'training' | 'shopDbs' | 'models'>, shop: ShopDomain): Promise<{version: number; kind: string; backend: string; summary: string}> {
  const started = ctx.training.start(shop);
  if (!started.started) throw new Error(`training did not start: ${started.reason}`);
  const db = ctx.shopDbs.get(shop);
  const runs = trainRunsRepo(db);
  const bar = new cliProgress.SingleBar(
    {format: '  {stage} {bar} {percentage}%', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000},
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0, {stage: 'starting'.padEnd(22)});
  for (;;) {
    const run = runs.get(started.runId);
    if (!run) throw new Error(`training run ${started.runId} vanished`);
    bar.update(Math.round(run.progress * 100), {stage: (run.stage ?? '').padEnd(22)});
    if (run.status === 'failed') {
      bar.stop();
      throw new Error(`training failed: ${run.error}`);
    }
    if (run.status !== 'running') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  bar.update(100);
  bar.stop();
  const model = adminModelReads(db).active();
  if (!model) throw new Error('training finished but no model is active');
  ctx.models.get(shop, db);
  const quality = model.report.eval as Record<string, {ndcg?: number}> | undefined;
  const ndcg = (k: string) => quality?.[k]?.ndcg?.toFixed(3) ?? '?';
  return {
    version: model.version,
    kind: model.kind,
    backend: model.backend ?? 'none',
    summary: quality ? `NDCG@10 ${ndcg('model')} on held-out orders` : 'no evaluation',
  };
}
