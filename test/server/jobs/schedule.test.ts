import {writeFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {shopDbPath} from '../../../storage/open';
import {RECEIPTS_PRUNED_PER_TICK, scheduleTick} from '../../../server/jobs/schedule';
import type {ScheduleDeps} from '../../../server/jobs/schedule';
import {eventsRepo} from '../../../storage/repos/events';
import {ordersRepo} from '../../../storage/repos/orders';
import {RECEIPT_DEDUPE_WINDOW_MS, receiptsRepo} from '../../../storage/repos/receipts';
import {settingsRepo} from '../../../storage/repos/settings';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import type {ShopDomain} from '../../../storage/shop-domain';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';

let app: TestApp;
let deps: ScheduleDeps;
const started: string[] = [];
const shop = (name: string) => parseShopDomain(`${name}.myshopify.com`)!;

function seed(domain: ShopDomain, createdAt: string[]) {
  shopsRepo(app.services.appDb).recordInstall(domain, 'read_orders');
  const db = app.services.shopDbs.get(domain);
  db.transaction(() => {
    createdAt.forEach((at, i) =>
      ordersRepo(db).upsert({orderId: i + 1, name: null, createdAt: at, updatedAt: at, cancelledAt: null, currency: null, totalPrice: null, customerHash: null, source: 'demo', lines: []}),
    );
  })();
  eventsRepo(db).insertMany([{type: 'viewed', block: 'fbt', anchorId: 1, productId: 2}], new Date(createdAt[0]));
}

beforeAll(async () => {
  app = await startTestApp();
  // The schedule's own dependencies, with a training starter that records instead of spawning.
  deps = {
    ...app.services,
    training: {
      start: (s) => {
        started.push(s);
        return {started: true, runId: started.length};
      },
      done: async () => {},
      stop: async () => {},
      position: () => null,
      resume: () => {},
    },
  };
});
afterAll(async () => app.close());

describe('scheduleTick', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');

  it('retrains shops whose schedule is due and not the others, and never a shop with no orders', () => {
    seed(shop('daily'), ['2026-11-20T00:00:00Z']);
    seed(shop('manual'), ['2026-11-20T00:00:00Z']);
    settingsRepo(app.services.shopDbs.get(shop('manual'))).update({retrainSchedule: 'manual'});
    shopsRepo(app.services.appDb).recordInstall(shop('empty'), 'read_orders');
    const {retrained} = scheduleTick(deps, now);
    expect(retrained).toEqual(['daily.myshopify.com']);
    expect(started).toEqual(['daily.myshopify.com']);
  });

  it('deletes orders and events older than the retention setting', () => {
    const s = shop('old');
    seed(s, ['2020-01-01T00:00:00Z', '2026-11-01T00:00:00Z']);
    settingsRepo(app.services.shopDbs.get(s)).update({retentionDays: 365});
    const {deleted} = scheduleTick(deps, now);
    expect(deleted).toBeGreaterThanOrEqual(2);
    expect(ordersRepo(app.services.shopDbs.get(s)).counts().orders).toBe(1);
  });

  it('a damaged shop file fails that shop alone: the shops after it still get retention and retraining', () => {
    // installed() lists shops by domain: this one comes first, so the one after it is what a tick that stops here would skip.
    const bad = shop('aaa-damaged');
    seed(bad, ['2026-11-20T00:00:00Z']);
    const after = shop('zzz-after-damaged');
    seed(after, ['2020-01-01T00:00:00Z', '2026-11-20T00:00:00Z']);
    settingsRepo(app.services.shopDbs.get(after)).update({retentionDays: 365});
    app.services.shopDbs.remove(bad);
    writeFileSync(shopDbPath(app.services.config.dataDir, bad), 'not a database '.repeat(500));
    started.length = 0;
    const result = scheduleTick(deps, now);
    expect(result.failed).toEqual([{shop: bad, error: expect.stringMatching(/shops\/aaa-damaged\.myshopify\.com\.db: SQLITE_NOTADB/)}]);
    expect(started).toContain(after);
    expect(ordersRepo(app.services.shopDbs.get(after)).counts().orders).toBe(1);
    expect(app.logs.some((l) => l.msg === 'scheduled work failed for one shop' && l.fields?.shop === bad && /SQLITE_NOTADB/.test(String(l.fields?.error)))).toBe(true);
    app.services.shopDbs.remove(bad);
  });

  it(`prunes webhook receipts past the dedupe window, at most ${RECEIPTS_PRUNED_PER_TICK} per shop per tick, and keeps the recent ones`, () => {
    const s = shop('receipts');
    seed(s, ['2026-11-20T00:00:00Z']);
    const db = app.services.shopDbs.get(s);
    const old = new Date(now - RECEIPT_DEDUPE_WINDOW_MS - 3_600_000).toISOString();
    const recent = new Date(now - RECEIPT_DEDUPE_WINDOW_MS + 3_600_000).toISOString();
    const insert = db.prepare(`INSERT INTO webhook_receipts (webhook_id, topic, resource_id, received_at, outcome) VALUES (?, 'ORDERS_CREATE', 1, ?, 'applied')`);
    const oldCount = RECEIPTS_PRUNED_PER_TICK + 700;
    db.transaction(() => {
      for (let i = 0; i < oldCount; i++) insert.run(`old-${i}`, old);
      insert.run('recent', recent);
    })();
    const count = () => (db.prepare(`SELECT count(*) AS n FROM webhook_receipts WHERE webhook_id LIKE 'old-%'`).get() as {n: number}).n;
    expect(scheduleTick(deps, now).receiptsPruned).toBe(RECEIPTS_PRUNED_PER_TICK);
    expect(count()).toBe(700);
    scheduleTick(deps, now);
    expect(count()).toBe(0);
    // Inside the window a redelivery is still recognised.
    expect(receiptsRepo(db).has('recent')).toBe(true);
  });
});
