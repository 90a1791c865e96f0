import type {Services} from '../services';

/** What the schedule reads and starts: the installed shops, their files, the one way to start a training. */
export type ScheduleDeps = Pick<Services, 'appDb' | 'shopDbs' | 'training' | 'log'>;
import {eventsRepo} from '../../storage/repos/events';
import {adminModelReads} from '../../storage/repos/model-admin';
import {ordersRepo} from '../../storage/repos/orders';
import {settingsRepo} from '../../storage/repos/settings';
import {shopsRepo} from '../../storage/repos/shops';

const DAY_MS = 86_400_000;
const INTERVAL: Record<string, number> = {daily: DAY_MS, weekly: 7 * DAY_MS};

/**
 * The merchant's "Retrain" and "Data retention" settings, applied: each tick, every installed shop whose model
 * is older than its schedule is retrained, and orders and events older than its retention are deleted.
 */
export function scheduleTick(ctx: ScheduleDeps, now = Date.now()): {retrained: string[]; deleted: number} {
  const retrained: string[] = [];
  let deleted = 0;
  for (const shop of shopsRepo(ctx.appDb).installed()) {
    const db = ctx.shopDbs.get(shop.domain);
    const settings = settingsRepo(db).get();
    const cutoff = new Date(now - settings.retentionDays * DAY_MS).toISOString();
    deleted += db.transaction(() => ordersRepo(db).deleteCreatedBefore(cutoff) + eventsRepo(db).deleteBefore(cutoff))();
    const every = INTERVAL[settings.retrainSchedule];
    if (!every || ordersRepo(db).counts().orders === 0) continue;
    const model = adminModelReads(db).active();
    if (model && now - Date.parse(model.createdAt) < every) continue;
    retrained.push(shop.domain);
    const r = ctx.training.start(shop.domain);
    if (!r.started) ctx.log('info', 'scheduled training skipped', {shop: shop.domain, reason: r.reason});
  }
  return {retrained, deleted};
}

/** Runs `scheduleTick` every `everyMs` (unref'd: it never keeps the process alive). */
export function startSchedule(ctx: ScheduleDeps, everyMs = 15 * 60_000): () => void {
  const timer = setInterval(() => {
    try {
      scheduleTick(ctx);
    } catch (err) {
      ctx.log('error', 'schedule tick failed', {error: String(err)});
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
