import {existsSync, mkdirSync, renameSync, rmSync, statSync} from 'node:fs';
import type {Stats} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import Database from 'better-sqlite3';
import type {Database as Db} from 'better-sqlite3';
import {fileFault} from './faults';
import {migrate} from './migrate';
import {APP_SCHEMA_VERSION, SHOP_SCHEMA_VERSION} from './schema-version';
import type {ShopDomain} from './shop-domain';
import {parseShopDomain} from './shop-domain';
import {AppDbRefused, SchemaMismatch, ShopGone, ShopUnavailable} from '../domain/errors';

export type {Db};

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const SIDECARS = ['', '-wal', '-shm', '-journal'];

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Opens a database file, creating it when absent. A new file is built beside its path and renamed into place
 * once migrated, so a file at the path is never legitimately empty: an empty one was truncated, and is refused
 * by the callers instead of being taken for a new database.
 */
function openFile(file: string, migrations: string, version: number): Db {
  mkdirSync(dirname(file), {recursive: true});
  if (!existsSync(file)) {
    const staging = `${file}.new`;
    for (const suffix of SIDECARS) rmSync(staging + suffix, {force: true});
    // Closing the only connection checkpoints the WAL into the file and removes it: the file alone is whole.
    openMigrated(staging, migrations, version).close();
    renameSync(staging, file);
  }
  return openMigrated(file, migrations, version);
}

function openMigrated(file: string, migrations: string, version: number): Db {
  const db = new Database(file);
  try {
    setPragmas(db);
    const applied = migrate(db, migrations);
    if (applied !== version) throw new SchemaMismatch(`${file}: migrations end at version ${applied}, the code expects ${version} (storage/schema-version.ts)`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
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

/** A shop's database file relative to the data folder (`shops/<domain>.db`); the domain is validated here, before it can become a path. */
export function shopFileName(shop: string): string {
  const domain = parseShopDomain(shop);
  if (!domain) throw new Error(`invalid shop domain: ${JSON.stringify(shop)}`);
  return join('shops', `${domain}.db`);
}

/** Path of a shop's database file. */
export function shopDbPath(dataDir: string, shop: string): string {
  return join(dataDir, shopFileName(shop));
}

/**
 * Opens app.db, creating it only in a data folder that has none. An empty or unreadable app.db stops start-up:
 * starting over would silently forget every shop, token and customer salt.
 */
export function openAppDb(dataDir: string): Db {
  const file = join(dataDir, 'app.db');
  if (statOrNull(file)?.size === 0) {
    throw new AppDbRefused(`${file} is empty (0 bytes), so the shops, tokens and customer salts it held are gone: restore it from a backup (a new data folder has no app.db at all)`);
  }
  let db: Db;
  try {
    db = openFile(file, join(MIGRATIONS, 'app'), APP_SCHEMA_VERSION);
  } catch (err) {
    const fault = fileFault(err);
    if (fault) throw new AppDbRefused(`${file} cannot be opened: ${fault}`);
    throw err;
  }
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
  const onDisk = statOrNull(path);
  if (opts.mustExist && !onDisk) throw new ShopGone(`no data for ${shop}: never installed, or redacted`);
  if (onDisk?.size === 0) throw emptyShopFile(shop);
  const db = asShopFault(shop, () => openFile(path, join(MIGRATIONS, 'shop'), SHOP_SCHEMA_VERSION));
  db.pragma(`cache_size = ${SHOP_PAGE_CACHE_KIB}`);
  return db;
}

/**
 * Page cache of one shop's handle, in KiB (SQLite's negative form). better-sqlite3 builds SQLite with a 16 MiB
 * default, and the server keeps a handle for each of up to 256 recent shops: measured with `npm run bench --
 * --only memory`, those caches, not the models, held the server near 1.6 GiB. Reads past it come from the
 * operating system's page cache.
 */
const SHOP_PAGE_CACHE_KIB = -2048;

function emptyShopFile(shop: string): ShopUnavailable {
  return new ShopUnavailable(shop, shopFileName(shop), 'the file is empty (0 bytes): it was truncated; restore it from a backup, or delete it to start this shop over');
}

/** Runs `open`, turning a failure of the file itself (damaged, not a database, disk) into ShopUnavailable naming it. */
function asShopFault<T>(shop: string, open: () => T): T {
  try {
    return open();
  } catch (err) {
    const fault = fileFault(err);
    if (fault) throw new ShopUnavailable(shop, shopFileName(shop), fault);
    throw err;
  }
}

/**
 * Opens an existing shop file without migrating it: for the trainer, which may be older or newer than the server
 * that owns the file. A schema other than the one this code knows is refused with a message saying which side to
 * update, rather than read or written under wrong assumptions.
 */
export function openShopDbUnmigrated(dataDir: string, shop: string): Db {
  const path = shopDbPath(dataDir, shop);
  const onDisk = statOrNull(path);
  if (!onDisk) throw new ShopGone(`no data for ${shop}: never installed, or redacted`);
  if (onDisk.size === 0) throw emptyShopFile(shop);
  const db = new Database(path, {fileMustExist: true});
  const version = asShopFault(shop, () => {
    try {
      setPragmas(db);
      return db.pragma('user_version', {simple: true}) as number;
    } catch (err) {
      db.close();
      throw err;
    }
  });
  if (version !== SHOP_SCHEMA_VERSION) {
    db.close();
    const fix = version < SHOP_SCHEMA_VERSION ? 'start the server of this version first, which migrates it' : 'update the trainer to the server\'s version';
    throw new SchemaMismatch(`${path} has schema version ${version}, this trainer reads version ${SHOP_SCHEMA_VERSION}: ${fix}`);
  }
  return db;
}

/**
 * Opens an existing, migrated shop file read-only: for the server's read threads (server/reads), which read
 * what the server's own handle wrote and never write. The server migrates the file before it asks them.
 */
export function openShopDbReadOnly(dataDir: string, shop: string): {db: Db; dev: number; ino: number} {
  const path = shopDbPath(dataDir, shop);
  const db = asShopFault(shop, () => {
    let opened: Db | undefined;
    try {
      opened = new Database(path, {readonly: true, fileMustExist: true});
      opened.pragma('busy_timeout = 5000');
      opened.pragma(`cache_size = ${SHOP_PAGE_CACHE_KIB}`);
      const version = opened.pragma('user_version', {simple: true}) as number;
      if (version !== SHOP_SCHEMA_VERSION) throw new SchemaMismatch(`${path} has schema version ${version}, this server reads version ${SHOP_SCHEMA_VERSION}`);
      return opened;
    } catch (err) {
      opened?.close();
      if ((err as {code?: string}).code === 'SQLITE_CANTOPEN' && !statOrNull(path)) throw new ShopGone(`no data for ${shop}: never installed, or redacted`);
      throw err;
    }
  });
  // The file it opened, not the one at the path a moment later: a file replaced meanwhile is seen as replaced.
  const opened = statOrNull(path);
  if (!opened) {
    db.close();
    throw new ShopGone(`no data for ${shop}: never installed, or redacted`);
  }
  return {db, dev: opened.dev, ino: opened.ino};
}

/** Whether the file at the shop's path is (device, inode) `file`: false once it was deleted or replaced. */
export function isShopFile(dataDir: string, shop: string, file: {dev: number; ino: number}): boolean {
  const onDisk = statOrNull(shopDbPath(dataDir, shop));
  return onDisk !== null && onDisk.dev === file.dev && onDisk.ino === file.ino;
}

interface OpenShop {
  db: Db;
  /** The file the handle has open: a file deleted or replaced at the path no longer matches. */
  dev: number;
  ino: number;
}

/**
 * Open shop databases, least recently used closed first, so thousands of shops cannot exhaust file
 * descriptors (each handle holds the db, its WAL and its shm file). Each shop fails alone: a damaged file
 * throws ShopUnavailable for that shop only (503), and is opened again on its next request (after a restore).
 * Every `get` checks that the file at the path is still the one the handle has open, so a write never goes
 * to a file that was deleted or replaced under the server.
 */
export class ShopDbs {
  private readonly open = new Map<ShopDomain, OpenShop>();

  /**
   * `dropped` is told each time a shop's file stops being the one to read: replaced under the server (a restore),
   * failed, or removed (shop/redact). Other handles on that shop (the read threads', server/reads) close with it.
   */
  constructor(
    readonly dataDir: string,
    private readonly max = 256,
    private readonly dropped: (shop: ShopDomain) => void = () => {},
  ) {}

  /** The shop's handle, opening (creating, migrating) its file when needed; ShopUnavailable when the file cannot be used. */
  get(shop: ShopDomain): Db {
    const path = shopDbPath(this.dataDir, shop);
    const onDisk = statOrNull(path);
    const cached = this.open.get(shop);
    if (cached) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.open.delete(shop);
      if (onDisk && onDisk.dev === cached.dev && onDisk.ino === cached.ino) {
        this.open.set(shop, cached);
        return cached.db;
      }
      // Deleted or replaced under us: the handle writes to a file nobody will read again.
      cached.db.close();
      this.dropped(shop);
    }
    const db = openShopDb(this.dataDir, shop);
    const opened = statSync(path);
    while (this.open.size >= this.max) {
      const [oldest, handle] = this.open.entries().next().value as [ShopDomain, OpenShop];
      handle.db.close();
      this.open.delete(oldest);
    }
    this.open.set(shop, {db, dev: opened.dev, ino: opened.ino});
    return db;
  }

  /**
   * Whether `db` is still this shop's open handle and the file at its path is the one it writes: checked before
   * a write is acknowledged (one stat), so a file deleted meanwhile gets a 503 and a redelivery, not a lost 200.
   */
  holds(shop: ShopDomain, db: Db): boolean {
    const cached = this.open.get(shop);
    const onDisk = statOrNull(shopDbPath(this.dataDir, shop));
    return cached?.db === db && db.open && onDisk !== null && onDisk.dev === cached.dev && onDisk.ino === cached.ino;
  }

  /**
   * Turns a failure met while using the shop's file into ShopUnavailable naming it, or null when it is not the
   * file's (a bug, a refused value). The handle is dropped, so the next request reopens and sees the file anew.
   */
  unavailable(shop: ShopDomain, err: unknown): ShopUnavailable | null {
    if (err instanceof ShopUnavailable) return err;
    const fault = fileFault(err);
    if (!fault) return null;
    const cached = this.open.get(shop);
    this.open.delete(shop);
    cached?.db.close();
    this.dropped(shop);
    return new ShopUnavailable(shop, shopFileName(shop), fault);
  }

  get size(): number {
    return this.open.size;
  }

  /** Closes the handle and deletes the shop's file with its WAL and shm (shop/redact). */
  remove(shop: ShopDomain): void {
    this.open.get(shop)?.db.close();
    this.open.delete(shop);
    this.dropped(shop);
    const path = shopDbPath(this.dataDir, shop);
    for (const suffix of SIDECARS) rmSync(path + suffix, {force: true});
  }

  closeAll(): void {
    for (const {db} of this.open.values()) db.close();
    this.open.clear();
  }
}
