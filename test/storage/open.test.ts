import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {openShopDb, openShopDbUnmigrated, ShopDbs, shopDbPath} from '../../storage/open';
import {SchemaMismatch} from '../../domain/errors';
import {SHOP_SCHEMA_VERSION} from '../../storage/schema-version';
import {parseShopDomain} from '../../storage/shop-domain';
import type {ShopDomain} from '../../storage/shop-domain';

describe('shop domains that may become paths', () => {
  it.each([
    ['shop.myshopify.com', true],
    ['my-shop-2.myshopify.com', true],
    ['../app.myshopify.com', false],
    ['shop.myshopify.com/../../etc', false],
    ['a/b.myshopify.com', false],
    ['Shop.myshopify.com', false],
    ['-shop.myshopify.com', false],
    ['shop.example.com', false],
    ['shop.myshopify.com.evil.com', false],
    ['shop.myshopify.com\u0000', false],
    ['', false],
    [' shop.myshopify.com', false],
  ])('%j valid=%s', (domain, valid) => {
    expect(parseShopDomain(domain) !== null).toBe(valid);
    if (!valid) expect(() => shopDbPath('/data', domain)).toThrow(/invalid shop domain/);
  });

  it('rejects non-strings', () => {
    expect(parseShopDomain(undefined)).toBeNull();
    expect(parseShopDomain(['a.myshopify.com'])).toBeNull();
  });
});

describe('shop databases', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'pw-open-'))));
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  it('creates one WAL-mode file per shop with every migration applied', () => {
    const db = openShopDb(dir, 'a.myshopify.com');
    expect(db.pragma('journal_mode', {simple: true})).toBe('wal');
    const migrations = readdirSync(join(import.meta.dirname, '../../storage/migrations/shop'));
    const highest = Math.max(...migrations.map((f) => Number(f.slice(0, 3))));
    expect(db.pragma('user_version', {simple: true})).toBe(highest);
    expect(SHOP_SCHEMA_VERSION).toBe(highest);
    db.close();
    expect(existsSync(join(dir, 'shops', 'a.myshopify.com.db'))).toBe(true);
  });

  it('re-opening a migrated file applies nothing twice', () => {
    openShopDb(dir, 'a.myshopify.com').close();
    const db = openShopDb(dir, 'a.myshopify.com');
    expect(db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({n: 0});
    db.close();
  });

  it('keeps at most `max` handles open, closing the least recently used', () => {
    const dbs = new ShopDbs(dir, 3);
    const shops = ['a', 'b', 'c', 'd'].map((s) => parseShopDomain(`${s}.myshopify.com`)!) as ShopDomain[];
    const a = dbs.get(shops[0]);
    dbs.get(shops[1]);
    dbs.get(shops[2]);
    expect(dbs.get(shops[0])).toBe(a); // a is now the most recently used
    dbs.get(shops[3]); // evicts b
    expect(dbs.size).toBe(3);
    expect(a.open).toBe(true);
    expect(dbs.get(shops[0])).toBe(a);
    dbs.closeAll();
    expect(a.open).toBe(false);
  });

  it('remove() deletes the file with its WAL and shm', () => {
    const dbs = new ShopDbs(dir);
    const shop = parseShopDomain('gone.myshopify.com')!;
    dbs.get(shop).prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('k', '1', 'now')`).run();
    dbs.remove(shop);
    expect(readdirSync(join(dir, 'shops'))).toEqual([]);
  });

  describe('opened without migrating, as the trainer does', () => {
    it('reads a file at the schema this code knows', () => {
      openShopDb(dir, 'a.myshopify.com').close();
      const db = openShopDbUnmigrated(dir, 'a.myshopify.com');
      expect(db.pragma('user_version', {simple: true})).toBe(SHOP_SCHEMA_VERSION);
      db.close();
    });

    it.each([
      ['older', SHOP_SCHEMA_VERSION - 1, /schema version \d+, this trainer reads version \d+: start the server/],
      ['newer', SHOP_SCHEMA_VERSION + 1, /schema version \d+, this trainer reads version \d+: update the trainer/],
    ])('refuses an %s schema with a message saying which side to update, and leaves the file as it was', (_case, version, message) => {
      const db = openShopDb(dir, 'a.myshopify.com');
      db.pragma(`user_version = ${version}`);
      db.close();
      expect(() => openShopDbUnmigrated(dir, 'a.myshopify.com')).toThrow(SchemaMismatch);
      expect(() => openShopDbUnmigrated(dir, 'a.myshopify.com')).toThrow(message);
      const after = new Database(shopDbPath(dir, 'a.myshopify.com'), {readonly: true});
      expect(after.pragma('user_version', {simple: true})).toBe(version);
      after.close();
    });

    it('refuses a shop that has no file instead of creating one', () => {
      expect(() => openShopDbUnmigrated(dir, 'never.myshopify.com')).toThrow(/never installed, or redacted/);
      expect(existsSync(join(dir, 'shops', 'never.myshopify.com.db'))).toBe(false);
    });
  });
});
