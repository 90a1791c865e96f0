import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {scheduleTick} from '../../../server/jobs/schedule';
import type {ScheduleDeps} from '../../../server/jobs/schedule';
import {eventsRepo} from '../../../storage/repos/events';
import {ordersRepo} from '../../../storage/repos/orders';
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
  eventsRepo(db).insertMany([{type: 'viewed', block: 'fbt', anchorId: 1, productId: 2, holdout: false}], new Date(createdAt[0]));
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
});
