import {execFile} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {afterAll, describe, expect, it} from 'vitest';
import {openShopDb} from '../../storage/open';
import {activeModelVersion} from '../../storage/repos/model-serving';
import {adminModelReads} from '../../storage/repos/model-admin';
import {ordersRepo} from '../../storage/repos/orders';
import {trainerCommand} from '../../devkit/trainer-command';
import {randomBaskets} from './helpers';

const run = promisify(execFile);
const SHOP = 'toy-store.myshopify.com';
const dataDir = mkdtempSync(join(tmpdir(), 'pairwise-publish-'));
const db = openShopDb(dataDir, SHOP);
afterAll(() => db.close());

/** Orders through the real repo: product ids 100.., one cancelled order and one custom-item line. */
function seedOrders(): void {
  const orders = ordersRepo(db);
  const baskets = randomBaskets(21, 400, 30, 5);
  db.transaction(() => {
    baskets.forEach((items, o) => {
      const at = new Date(Date.UTC(2024, 0, 1) + o * 3_600_000).toISOString();
      orders.upsert({
        orderId: o + 1, name: `#${o + 1}`, createdAt: at, updatedAt: at, cancelledAt: o === 0 ? at : null, currency: 'EUR',
        totalPrice: 10, customerHash: null, source: 'demo',
        lines: [...items.map((p, l) => ({lineId: l + 1, productId: 100 + Number(p.slice(1)), variantId: null, quantity: 1, price: 5, pairwiseBlock: null, pairwiseAnchor: null})),
          {lineId: 99, productId: null, variantId: null, quantity: 1, price: 1, pairwiseBlock: null, pairwiseAnchor: null}],
      });
    });
  })();
}

async function trainShop(env: Record<string, string> = {}) {
  try {
    await run(...trainerCommand(['--shop', SHOP, '--data-dir', dataDir, '--model', 'full']), {env: {...process.env, ...env}});
    return {code: 0 as number | null, signal: null as string | null};
  } catch (err) {
    const e = err as {code: number | null; signal: string | null};
    return {code: e.code, signal: e.signal};
  }
}

describe('trainer DB mode', () => {
  seedOrders();

  it('publishes a version with numeric product ids, explanations, bundles and a finished run', async () => {
    expect((await trainShop()).code).toBe(0);
    const version = activeModelVersion(db);
    expect(version).not.toBeNull();
    const reads = adminModelReads(db);
    const active = reads.active()!;
    expect(active.report).toMatchObject({orders: 399});
    expect(['model', 'popularity', 'cocount', 'lift', 'jaccard']).toContain(active.kind);
    const list = reads.companions(version!, 100);
    expect(list.length).toBe(20);
    // The cart model is published in the same version: numeric ids of ordered products, at most 100 per product.
    const cart = db.prepare('SELECT product_id AS p, companion_id AS c, weight AS w FROM model_cart WHERE version = ?').all(version) as {p: number; c: number; w: number}[];
    expect(cart.length).toBeGreaterThan(0);
    const ordered = new Set((db.prepare('SELECT DISTINCT product_id AS p FROM order_lines WHERE product_id IS NOT NULL').all() as {p: number}[]).map((r) => r.p));
    const perProduct = new Map<number, number>();
    for (const r of cart) {
      expect(ordered.has(r.p) && ordered.has(r.c) && r.p !== r.c && Number.isFinite(r.w)).toBe(true);
      perProduct.set(r.p, (perProduct.get(r.p) ?? 0) + 1);
    }
    expect(Math.max(...perProduct.values())).toBeLessThanOrEqual(100);
    // Each product's order count as of this version, for the admin's search and best sellers: the shop's non-cancelled orders.
    const counted = db.prepare(
      `SELECT l.product_id AS productId, count(DISTINCT l.order_id) AS orders FROM order_lines l JOIN orders o ON o.order_id = l.order_id
       WHERE l.product_id IS NOT NULL AND o.cancelled_at IS NULL GROUP BY l.product_id ORDER BY l.product_id`,
    ).all();
    expect(db.prepare('SELECT product_id AS productId, orders FROM model_product_orders WHERE version = ? AND orders > 0 ORDER BY product_id').all(version)).toEqual(counted);
    expect(list[0].companionId).toBeGreaterThanOrEqual(100);
    expect(list.map((c) => c.rank)).toEqual(Array.from({length: 20}, (_, i) => i + 1));
    const together = db.prepare(
      `SELECT count(DISTINCT o.order_id) AS n FROM orders o JOIN order_lines x ON x.order_id = o.order_id AND x.product_id = ?
       JOIN order_lines y ON y.order_id = o.order_id AND y.product_id = ? WHERE o.cancelled_at IS NULL`,
    );
    for (const c of list) expect(c.count, `pair 100-${c.companionId}`).toBe((together.get(100, c.companionId) as {n: number}).n);
    expect(list.some((c) => c.count > 0)).toBe(true);
    // Full mode trains embeddings on some tfjs backend and stores each pair's cosine.
    expect(active.backend).toEqual(expect.any(String));
    expect(active.report).toMatchObject({backend: active.backend, timings: {embed_s: expect.any(Number), cart_s: expect.any(Number)}});
    const sims = db.prepare('SELECT min(embedding_sim) AS lo, max(embedding_sim) AS hi, count(embedding_sim) AS n FROM model_pairs WHERE version = ?').get(version) as {lo: number; hi: number; n: number};
    expect(sims.n).toBeGreaterThan(0);
    expect(sims.lo).toBeGreaterThanOrEqual(-1);
    expect(sims.hi).toBeLessThanOrEqual(1);
    expect(reads.runs(1)[0]).toMatchObject({status: 'published', version, progress: 1});
  }, 60_000);

  it('a kill between writing and flipping leaves the old model active and no trace of the new one', async () => {
    const before = activeModelVersion(db);
    const r = await trainShop({PAIRWISE_TRAINER_FAULT: 'kill-before-flip'});
    expect(r.signal).toBe('SIGKILL');
    expect(activeModelVersion(db)).toBe(before);
    const versions = db.prepare('SELECT version FROM model_versions').all() as {version: number}[];
    expect(versions.map((v) => v.version)).toEqual([before]);
    const stray = db.prepare('SELECT count(*) AS n FROM model_pairs WHERE version <> ?').get(before) as {n: number};
    expect(stray.n).toBe(0);
  }, 60_000);

  it('keeps the previous version, whole, for an operator to point back to', async () => {
    const first = activeModelVersion(db)!;
    expect((await trainShop()).code).toBe(0);
    const second = activeModelVersion(db)!;
    expect(second).toBeGreaterThan(first);
    expect(db.prepare('SELECT previous_version FROM model_active WHERE singleton = 1').get()).toEqual({previous_version: first});
    expect(adminModelReads(db).companions(first, 100).length).toBe(20);
  }, 60_000);
});
