import {existsSync, mkdirSync, rmSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import Database from 'better-sqlite3';
import type {Database as Db} from 'better-sqlite3';
import {migrate} from './migrate';
import {APP_SCHEMA_VERSION, SHOP_SCHEMA_VERSION} from './schema-version';
import type {ShopDomain} from './shop-domain';
import {parseShopDomain} from './shop-domain';
import {SchemaMismatch, ShopGone} from '../domain/errors';

export type {Db};

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

function openFile(file: string, migrations: string, version: number): Db {
  mkdirSync(dirname(file), {recursive: true});
  const db = new Database(file);
  setPragmas(db);
  const applied = migrate(db, migrations);
  if (applied !== version) throw new Error(`${file}: migrations end at version ${applied}, the code expects ${version} (storage/schema-version.ts)`);
  return db;
}

function setPragmas(db: Db): void {
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode loses no committed transaction on a process crash (only on power loss); FULL makes
  // each commit wait for an fsync of the WAL so an acknowledged webhook survives power loss too.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Another process (the trainer, the server) may hold the write lock for a moment.
  db.pragma('busy_timeout = 5000');
}

/** Path of a shop's database file; the domain is validated here, before it can become a path. */
export function shopDbPath(dataDir: string, shop: string): string {
  const domain = parseShopDomain(shop);
  if (!domain) throw new Error(`invalid shop domain: ${JSON.stringify(shop)}`);
  return join(dataDir, 'shops', `${domain}.db`);
}

export function openAppDb(dataDir: string): Db {
  const db = openFile(join(dataDir, 'app.db'), join(MIGRATIONS, 'app'), APP_SCHEMA_VERSION);
  // app.db holds access tokens: deleted rows are overwritten, not left as free pages (shop/redact).
  db.pragma('secure_delete = ON');
  return db;
}

/**
 * Opens (creating and migrating) one shop's file. Prefer `ShopDbs.get`, which caches handles. With
 * `mustExist`, a missing file is an error instead: a process that outlives shop/redact (the trainer) must
 * not bring a redacted shop's file back.
 */
export function openShopDb(dataDir: string, shop: string, opts: {mustExist?: boolean} = {}): Db {
  const path = shopDbPath(dataDir, shop);
  if (opts.mustExist && !existsSync(path)) throw new ShopGone(`no data for ${shop}: never installed, or redacted`);
  return openFile(path, join(MIGRATIONS, 'shop'), SHOP_SCHEMA_VERSION);
}

/**
 * Opens an existing shop file without migrating it: for the trainer, which may be older or newer than the server
 * that owns the file. A schema other than the one this code knows is refused with a message saying which side to
 * update, rather than read or written under wrong assumptions.
 */
export function openShopDbUnmigrated(dataDir: string, shop: string): Db {
  const path = shopDbPath(dataDir, shop);
  if (!existsSync(path)) throw new ShopGone(`no data for ${shop}: never installed, or redacted`);
  const db = new Database(path, {fileMustExist: true});
  setPragmas(db);
  const version = db.pragma('user_version', {simple: true}) as number;
  if (version !== SHOP_SCHEMA_VERSION) {
    db.close();
    const fix = version < SHOP_SCHEMA_VERSION ? 'start the server of this version first, which migrates it' : 'update the trainer to the server\'s version';
    throw new SchemaMismatch(`${path} has schema version ${version}, this trainer reads version ${SHOP_SCHEMA_VERSION}: ${fix}`);
  }
  return db;
}

/**
 * Open shop databases, least recently used closed first, so thousands of shops cannot exhaust file
 * descriptors (each handle holds the db, its WAL and its shm file).
 */
export class ShopDbs {
  private readonly open = new Map<ShopDomain, Db>();

  constructor(
    readonly dataDir: string,
    private readonly max = 256,
  ) {}

  get(shop: ShopDomain): Db {
    let db = this.open.get(shop);
    if (db) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.open.delete(shop);
    } else {
      db = openShopDb(this.dataDir, shop);
      while (this.open.size >= this.max) {
        const [oldest, handle] = this.open.entries().next().value as [ShopDomain, Db];
        handle.close();
        this.open.delete(oldest);
      }
    }
    this.open.set(shop, db);
    return db;
  }

  get size(): number {
    return this.open.size;
  }

  /** Closes the handle and deletes the shop's file with its WAL and shm (shop/redact). */
  remove(shop: ShopDomain): void {
    this.open.get(shop)?.close();
    this.open.delete(shop);
    const path = shopDbPath(this.dataDir, shop);
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, {force: true});
  }

  closeAll(): void {
    for (const db of this.open.values()) db.close();
    this.open.clear();
  }
}
