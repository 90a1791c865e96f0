import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {GroupCommit} from '../../storage/group-commit';
import {ShopDbs} from '../../storage/open';
import type {Db} from '../../storage/open';
import {receiptsRepo} from '../../storage/repos/receipts';
import type {ShopDomain} from '../../storage/shop-domain';

/** The group commit on a real shop file: what one delivery of a shared transaction does to the others. */
describe('group commit', () => {
  let dir: string;
  let dbs: ShopDbs;
  let db: Db;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pw-group-commit-'));
    dbs = new ShopDbs(dir);
    db = dbs.get('group-commit.myshopify.com' as ShopDomain);
  });
  afterEach(() => {
    dbs.closeAll();
    rmSync(dir, {recursive: true, force: true});
  });

  const store = (id: string) => () => {
    receiptsRepo(db).record(id, 'ORDERS_CREATE', 1, 'applied');
    return id;
  };

  it('commits every delivery of one turn of the loop together', async () => {
    const commits = new GroupCommit();
    const ids = Array.from({length: 20}, (_, i) => `together-${i}`);
    expect(await Promise.all(ids.map((id) => commits.run(db, store(id))))).toEqual(ids);
    for (const id of ids) expect(receiptsRepo(db).has(id)).toBe(true);
  });

  it('leaves the handle at its own synchronous level, FULL, for the writes that are not group-committed', async () => {
    const commits = new GroupCommit();
    expect(db.pragma('synchronous', {simple: true})).toBe(2);
    await commits.run(db, store('first'));
    await commits.run(db, store('second'));
    expect(db.pragma('synchronous', {simple: true})).toBe(2);
  });

  it('rolls back a delivery that throws alone, after what it wrote, and keeps the others of its transaction', async () => {
    const commits = new GroupCommit();
    const results = await Promise.allSettled([
      commits.run(db, store('first')),
      commits.run(db, () => {
        store('thrower')();
        throw new Error('refused');
      }),
      commits.run(db, store('last')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('refused'));
    expect([receiptsRepo(db).has('first'), receiptsRepo(db).has('thrower'), receiptsRepo(db).has('last')]).toEqual([true, false, true]);
  });

  it('rejects every delivery of a transaction the file refuses, and answers none', async () => {
    const commits = new GroupCommit();
    const pending = [commits.run(db, store('a')), commits.run(db, store('b'))];
    db.close();
    for (const p of pending) await expect(p).rejects.toThrow(/not open/);
  });
});
