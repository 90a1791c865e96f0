import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {AppDbRefused, ShopUnavailable} from '../../domain/errors';
import {openAppDb, openShopDb, ShopDbs, shopDbPath} from '../../storage/open';
import {parseShopDomain} from '../../storage/shop-domain';

/** Shop files that are damaged, emptied, deleted or replaced, with real SQLite files: each shop fails alone. */

const label = (n: number) => 'a'.repeat(n);

describe('shop domain bounds (a DNS label: 1-63 characters, letters, digits and inner hyphens)', () => {
  it.each([
    [`${label(63)}.myshopify.com`, true],
    [`${label(62)}9.myshopify.com`, true],
    ['a.myshopify.com', true],
    ['a-b.myshopify.com', true],
    [`${label(64)}.myshopify.com`, false],
    ['shop-.myshopify.com', false],
    // 249-255 characters in all: the file name shops/<domain>.db would pass the 255-byte limit.
    ...[249, 250, 252, 255].map((total) => [`${label(total - '.myshopify.com'.length)}.myshopify.com`, false] as [string, boolean]),
  ])('%s valid=%s', (domain, valid) => {
    expect(parseShopDomain(domain) !== null).toBe(valid);
    if (!valid) expect(() => shopDbPath('/data', domain)).toThrow(/invalid shop domain/);
  });
});

describe('damaged, emptied, deleted and replaced shop files', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'pw-files-'))));
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  const shop = (s: string) => parseShopDomain(`${s}.myshopify.com`)!;
  const insertSetting = (dbs: ShopDbs, s: string, key: string) =>
    dbs.get(shop(s)).prepare(`INSERT INTO settings (key, value, updated_at) VALUES (?, '1', 'now')`).run(key);

  it.each([
    ['garbage', (f: string) => writeFileSync(f, 'not a database at all '.repeat(300)), /SQLITE_NOTADB/],
    ['truncated to half', (f: string) => truncateSync(f, Math.floor(statSync(f).size / 2)), /SQLITE_CORRUPT/],
    ['truncated to 0 bytes', (f: string) => truncateSync(f, 0), /empty \(0 bytes\)/],
  ])('a %s file: ShopUnavailable naming the file and the error, for that shop only', (_how, damage, error) => {
    const dbs = new ShopDbs(dir);
    for (const s of ['bad', 'good']) insertSetting(dbs, s, 'k');
    dbs.closeAll();
    damage(shopDbPath(dir, 'bad.myshopify.com'));
    let thrown: unknown;
    try {
      dbs.get(shop('bad'));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ShopUnavailable);
    expect((thrown as ShopUnavailable).message).toContain(join('shops', 'bad.myshopify.com.db'));
    expect((thrown as ShopUnavailable).message).toMatch(error);
    expect((thrown as ShopUnavailable).status).toBe(503);
    expect(dbs.get(shop('good')).prepare('SELECT count(*) AS n FROM settings').get()).toEqual({n: 1});
    // The damaged file is left as it was, for the operator to restore.
    expect(existsSync(shopDbPath(dir, 'bad.myshopify.com'))).toBe(true);
  });

  it('a file deleted under an open handle: holds() says no, and the next get writes at the path', () => {
    const dbs = new ShopDbs(dir);
    insertSetting(dbs, 'a', 'before');
    const stale = dbs.get(shop('a'));
    expect(dbs.holds(shop('a'), stale)).toBe(true);
    for (const suffix of ['', '-wal', '-shm']) rmSync(shopDbPath(dir, 'a.myshopify.com') + suffix, {force: true});
    expect(dbs.holds(shop('a'), stale)).toBe(false);
    insertSetting(dbs, 'a', 'after');
    dbs.closeAll();
    const reopened = openShopDb(dir, 'a.myshopify.com');
    expect(reopened.prepare('SELECT key FROM settings').all()).toEqual([{key: 'after'}]);
    reopened.close();
  });

  it('a file replaced under an open handle is reopened, so writes reach the new file', () => {
    const dbs = new ShopDbs(dir);
    insertSetting(dbs, 'a', 'old');
    const stale = dbs.get(shop('a'));
    const path = shopDbPath(dir, 'a.myshopify.com');
    const other = openShopDb(dir, 'b.myshopify.com');
    other.close();
    for (const suffix of ['-wal', '-shm']) rmSync(path + suffix, {force: true});
    rmSync(path);
    writeFileSync(path, readFileSync(shopDbPath(dir, 'b.myshopify.com')));
    expect(dbs.holds(shop('a'), stale)).toBe(false);
    insertSetting(dbs, 'a', 'new');
    expect(stale.open).toBe(false);
    dbs.closeAll();
  });

  it('a new file is built beside its path and renamed in: no staging file is left, the file is never empty', () => {
    openShopDb(dir, 'a.myshopify.com').close();
    expect(readdirSync(join(dir, 'shops'))).toEqual(['a.myshopify.com.db']);
    expect(statSync(shopDbPath(dir, 'a.myshopify.com')).size).toBeGreaterThan(0);
  });
});

describe('app.db', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'pw-appdb-'))));
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  it('is created in a new data folder', () => {
    openAppDb(dir).close();
    expect(statSync(join(dir, 'app.db')).size).toBeGreaterThan(0);
  });

  it.each([
    ['empty (0 bytes)', (f: string) => truncateSync(f, 0), /app\.db is empty \(0 bytes\)/],
    ['not a database', (f: string) => writeFileSync(f, 'garbage '.repeat(600)), /app\.db cannot be opened: SQLITE_NOTADB/],
  ])('%s: refused with a message naming it, and left as it was', (_how, damage, message) => {
    openAppDb(dir).close();
    const file = join(dir, 'app.db');
    damage(file);
    const size = statSync(file).size;
    expect(() => openAppDb(dir)).toThrow(AppDbRefused);
    expect(() => openAppDb(dir)).toThrow(message);
    expect(statSync(file).size).toBe(size);
  });
});
