import type {Services} from '../services';
import {eventsRepo} from '../../storage/repos/events';
import {adminModelReads} from '../../storage/repos/model-admin';
import {ordersRepo} from '../../storage/repos/orders';
import {RECEIPT_DEDUPE_WINDOW_MS, receiptsRepo} from '../../storage/repos/receipts';
import {settingsRepo} from '../../storage/repos/settings';
import {shopsRepo} from '../../storage/repos/shops';
import type {ShopDomain} from '../../storage/shop-domain';

/** What the schedule reads and starts: the installed shops, their files, the one way to start a training. */
export type ScheduleDeps = Pick<Services, 'appDb' | 'shopDbs' | 'training' | 'log'>;

const DAY_MS = 86_400_000;
const INTERVAL: Record<string, number> = {daily: DAY_MS, weekly: 7 * DAY_MS};

/** Receipts one tick deletes per shop at most: a backlog drains over a few ticks, never in one long write. */
export const RECEIPTS_PRUNED_PER_TICK = 5_000;

export interface TickResult {
  retrained: string[];
  deleted: number;
  receiptsPruned: number;
  /** Shops whose work failed this tick, with why; the others were handled all the same. */
  failed: {shop: string; error: string}[];
}

/**
 * The merchant's "Retrain" and "Data retention" settings, applied: each tick, every installed shop whose model
 * is older than its schedule is retrained, orders and events older than its retention are deleted, and webhook
 * receipts older than the dedupe window are pruned. Each shop runs in its own try: a damaged file fails that
 * shop alone, and the shops after it are still handled.
 */
export function scheduleTick(ctx: ScheduleDeps, now = Date.now()): TickResult {
  const result: TickResult = {retrained: [], deleted: 0, receiptsPruned: 0, failed: []};
  for (const shop of shopsRepo(ctx.appDb).installed()) {
    try {
      tickShop(ctx, shop.domain, now, result);
    } catch (err) {
      const error = String(err);
      result.failed.push({shop: shop.domain, error});
      ctx.log('error', 'scheduled work failed for one shop', {shop: shop.domain, error});
    }
  }
  return result;
}

function tickShop(ctx: ScheduleDeps, shop: ShopDomain, now: number, result: TickResult): void {
  const db = ctx.shopDbs.get(shop);
  const settings = settingsRepo(db).get();
  const cutoff = new Date(now - settings.retentionDays * DAY_MS).toISOString();
  result.deleted += db.transaction(() => ordersRepo(db).deleteCreatedBefore(cutoff) + eventsRepo(db).deleteBefore(cutoff))();
  result.receiptsPruned += receiptsRepo(db).pruneBefore(new Date(now - RECEIPT_DEDUPE_WINDOW_MS).toISOString(), RECEIPTS_PRUNED_PER_TICK);
  const every = INTERVAL[settings.retrainSchedule];
  if (!every || ordersRepo(db).counts().orders === 0) return;
  const model = adminModelReads(db).active();
  if (model && now - Date.parse(model.createdAt) < every) return;
  result.retrained.push(shop);
  const r = ctx.training.start(shop);
  if (!r.started) ctx.log('info', 'scheduled training skipped', {shop, reason: r.reason});
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
