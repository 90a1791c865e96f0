import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {ModelCache, snapshotBytes} from '../../../server/recommend/model-cache';
import {openShopDb} from '../../../storage/open';
import type {Db} from '../../../storage/open';
import {activeModelVersion, loadModelCart, loadModelCompanions} from '../../../storage/repos/model-serving';

const PRODUCTS = 400;
const COMPANIONS = 20;
const dataDir = mkdtempSync(join(tmpdir(), 'pairwise-model-cache-'));

/** A shop file whose active model gives each of its products 20 companions, written as the trainer writes them. */
function shopWithModel(i: number): {shop: string; db: Db} {
  const shop = `cached-${i}.myshopify.com`;
  const db = openShopDb(dataDir, shop);
  db.transaction(() => {
    const version = Number(db.prepare(`INSERT INTO model_versions (created_at, status, kind) VALUES (?, 'ready', 'model')`).run(new Date().toISOString()).lastInsertRowid);
    const pair = db.prepare(
      `INSERT INTO model_pairs (version, product_id, rank, companion_id, score, source, count, support, confidence, lift) VALUES (?, ?, ?, ?, ?, 'copurchase', 3, 0.01, 0.2, 1.5)`,
    );
    for (let p = 1; p <= PRODUCTS; p++) for (let r = 1; r <= COMPANIONS; r++) pair.run(version, i * 10_000 + p, r, i * 10_000 + ((p + r) % PRODUCTS) + 1, 1 / r);
    db.prepare(`INSERT INTO model_active (singleton, version, activated_at) VALUES (1, ?, ?)`).run(version, new Date().toISOString());
  })();
  return {shop, db};
}

const shops = Array.from({length: 12}, (_, i) => shopWithModel(i + 1));
afterAll(() => shops.forEach(({db}) => db.close()));
const reader = {activeVersion: activeModelVersion, loadCompanions: loadModelCompanions, loadCart: loadModelCart};

describe('model cache', () => {
  it('many shops in rotation stay under the byte bound; an evicted shop reloads the same answer', () => {
    const one = snapshotBytes(new ModelCache(reader, 1 << 30).get(shops[0].shop, shops[0].db));
    expect(one).toBeGreaterThan(PRODUCTS * COMPANIONS * 100);
    const bound = Math.floor(one * 3.5);
    const cache = new ModelCache(reader, bound);
    const first = cache.get(shops[0].shop, shops[0].db);
    const firstAnswer = [...first.companions.get(10_001)!];
    for (let round = 0; round < 3; round++) {
      for (const {shop, db} of shops) {
        expect(cache.get(shop, db).companions.size).toBe(PRODUCTS);
        expect(cache.stats().bytes).toBeLessThanOrEqual(bound);
      }
    }
    expect(cache.stats().shops).toBe(3);
    expect(cache.stats().evictions).toBe(3 * shops.length - 3);
    const again = cache.get(shops[0].shop, shops[0].db);
    expect(again).not.toBe(first); // dropped and loaded again
    expect(again.companions.get(10_001)).toEqual(firstAnswer);
  });
});
