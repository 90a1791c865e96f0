import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {openShopDb} from '../../../storage/open';
import type {Db} from '../../../storage/open';
import {CLAIM_TTL_MS, MAX_WAITING_CLAIMS, pixelClaimsRepo} from '../../../storage/repos/pixel-claims';

// Claims waiting for their order are bounded: a flood of unsigned claims cannot grow a shop's file past
// MAX_WAITING_CLAIMS, and a claim whose order never came expires.

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pixel-claims-'));
  db = openShopDb(dir, 'claims.myshopify.com');
});
afterEach(() => {
  db.close();
  rmSync(dir, {recursive: true, force: true});
});

const claim = (i: number, at: Date) => ({checkoutToken: `t${i}`, orderId: i + 1, period: 1, visitorId: '00000000-0000-4000-8000-000000000000', receivedAt: at.toISOString()});
const waiting = () => (db.prepare('SELECT count(*) AS n FROM pixel_claims').get() as {n: number}).n;

describe('pixel claims', () => {
  it('keeps at most MAX_WAITING_CLAIMS, dropping the oldest', () => {
    const repo = pixelClaimsRepo(db);
    const start = Date.parse('2026-12-01T00:00:00Z');
    db.transaction(() => {
      for (let i = 0; i <= MAX_WAITING_CLAIMS; i++) repo.add(claim(i, new Date(start + i * 1000)));
    })();
    expect(waiting()).toBe(MAX_WAITING_CLAIMS);
    expect(repo.get('t0')).toBeUndefined();
    expect(repo.get(`t${MAX_WAITING_CLAIMS}`)?.orderId).toBe(MAX_WAITING_CLAIMS + 1);
  });

  it('a claim older than CLAIM_TTL_MS goes when the next one comes', () => {
    const repo = pixelClaimsRepo(db);
    const now = Date.parse('2026-12-04T00:00:00Z');
    repo.add(claim(1, new Date(now - CLAIM_TTL_MS - 1)));
    repo.add(claim(2, new Date(now - CLAIM_TTL_MS + 60_000)));
    repo.add(claim(3, new Date(now)));
    expect([repo.get('t1'), repo.get('t2')?.checkoutToken, repo.get('t3')?.checkoutToken]).toEqual([undefined, 't2', 't3']);
  });
});
