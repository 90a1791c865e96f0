import {randomBytes} from 'node:crypto';
import {perDb} from '../per-db';
import type {Db} from '../open';
import type {ShopDomain} from '../shop-domain';

export interface ShopRecord {
  domain: ShopDomain;
  installedAt: string;
  uninstalledAt: string | null;
  scopes: string;
  customerSalt: string;
}

interface Row {
  domain: ShopDomain;
  installed_at: string;
  uninstalled_at: string | null;
  scopes: string;
  customer_salt: string;
}

const toRecord = (r: Row): ShopRecord => ({
  domain: r.domain,
  installedAt: r.installed_at,
  uninstalledAt: r.uninstalled_at,
  scopes: r.scopes,
  customerSalt: r.customer_salt,
});

/** The shops table of app.db. */
function createShopsRepo(db: Db) {
  const get = db.prepare<[string], Row>('SELECT * FROM shops WHERE domain = ?');
  const insert = db.prepare(
    `INSERT INTO shops (domain, installed_at, scopes, customer_salt) VALUES (?, ?, ?, ?)
     ON CONFLICT (domain) DO NOTHING`,
  );
  const install = db.prepare(
    `INSERT INTO shops (domain, installed_at, scopes, customer_salt) VALUES (@domain, @now, @scopes, @salt)
     ON CONFLICT (domain) DO UPDATE SET scopes = excluded.scopes, uninstalled_at = NULL,
       installed_at = CASE WHEN shops.uninstalled_at IS NULL THEN shops.installed_at ELSE excluded.installed_at END`,
  );
  const uninstall = db.prepare('UPDATE shops SET uninstalled_at = ? WHERE domain = ?');
  const remove = db.prepare('DELETE FROM shops WHERE domain = ?');
  const bury = db.prepare('INSERT INTO shop_tombstones (domain, redacted_at) VALUES (?, ?) ON CONFLICT (domain) DO UPDATE SET redacted_at = excluded.redacted_at');
  const unbury = db.prepare('DELETE FROM shop_tombstones WHERE domain = ?');
  const buried = db.prepare<[string], {one: number}>('SELECT 1 AS one FROM shop_tombstones WHERE domain = ?');
  const installed = db.prepare<[], Row>('SELECT * FROM shops WHERE uninstalled_at IS NULL ORDER BY domain');

  return {
    get(shop: ShopDomain): ShopRecord | undefined {
      const row = get.get(shop);
      return row && toRecord(row);
    },
    /**
     * The shop's record, created on first sight: install and the first webhooks can race, and a webhook for a
     * shop with no install record is still stored (contracts).
     */
    ensure(shop: ShopDomain): ShopRecord {
      const known = get.get(shop);
      if (known) return toRecord(known);
      insert.run(shop, new Date().toISOString(), '', randomBytes(16).toString('hex'));
      return toRecord(get.get(shop)!);
    },
    /** An install (or re-install): the shop is back, and a tombstone from an earlier shop/redact goes. */
    recordInstall(shop: ShopDomain, scopes: string): ShopRecord {
      db.transaction(() => {
        unbury.run(shop);
        install.run({domain: shop, now: new Date().toISOString(), scopes, salt: randomBytes(16).toString('hex')});
      })();
      return toRecord(get.get(shop)!);
    },
    markUninstalled(shop: ShopDomain): void {
      uninstall.run(new Date().toISOString(), shop);
    },
    /** shop/redact: the shop's row goes and a tombstone (domain and time) stays, so late webhooks are dropped. */
    redact(shop: ShopDomain): void {
      db.transaction(() => {
        remove.run(shop);
        bury.run(shop, new Date().toISOString());
      })();
    },
    /** Whether shop/redact erased this shop and it has not been installed again since. */
    isRedacted: (shop: ShopDomain): boolean => buried.get(shop) !== undefined,
    installed: (): ShopRecord[] => installed.all().map(toRecord),
  };
}

export const shopsRepo = perDb(createShopsRepo);
