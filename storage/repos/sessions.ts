import {Session} from '@shopify/shopify-api';
import type {Db} from '../open';

/**
 * The five methods every @shopify/shopify-app-session-storage adapter implements; our SQLite adapter is
 * checked against the same battery of behaviours (test/storage/repos/sessions.test.ts).
 */
export interface SessionStorage {
  storeSession(session: Session): Promise<boolean>;
  loadSession(id: string): Promise<Session | undefined>;
  deleteSession(id: string): Promise<boolean>;
  deleteSessions(ids: string[]): Promise<boolean>;
  findSessionsByShop(shop: string): Promise<Session[]>;
}

interface Row {
  id: string;
  shop: string;
  state: string;
  is_online: number;
  scope: string | null;
  expires: number | null;
  access_token: string | null;
  refresh_token: string | null;
  refresh_token_expires: number | null;
  online_access_info: string | null;
}

function toSession(row: Row): Session {
  return new Session({
    id: row.id,
    shop: row.shop,
    state: row.state,
    isOnline: row.is_online === 1,
    scope: row.scope ?? undefined,
    expires: row.expires === null ? undefined : new Date(row.expires),
    accessToken: row.access_token ?? undefined,
    refreshToken: row.refresh_token ?? undefined,
    refreshTokenExpires: row.refresh_token_expires === null ? undefined : new Date(row.refresh_token_expires),
    onlineAccessInfo: row.online_access_info ? JSON.parse(row.online_access_info) : undefined,
  });
}

/** Sessions in app.db. Methods are async only because the library's interface is. */
export class SqliteSessionStorage implements SessionStorage {
  private readonly upsert;
  private readonly byId;
  private readonly byShop;
  private readonly deleteById;
  private readonly deleteByShop;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(
      `INSERT OR REPLACE INTO sessions (id, shop, state, is_online, scope, expires, access_token, refresh_token,
         refresh_token_expires, online_access_info)
       VALUES (@id, @shop, @state, @is_online, @scope, @expires, @access_token, @refresh_token,
         @refresh_token_expires, @online_access_info)`,
    );
    this.byId = db.prepare<[string], Row>('SELECT * FROM sessions WHERE id = ?');
    this.byShop = db.prepare<[string], Row>('SELECT * FROM sessions WHERE shop = ? ORDER BY id');
    this.deleteById = db.prepare('DELETE FROM sessions WHERE id = ?');
    this.deleteByShop = db.prepare('DELETE FROM sessions WHERE shop = ?');
  }

  async storeSession(session: Session): Promise<boolean> {
    this.upsert.run({
      id: session.id,
      shop: session.shop,
      state: session.state,
      is_online: session.isOnline ? 1 : 0,
      scope: session.scope ?? null,
      expires: session.expires?.getTime() ?? null,
      access_token: session.accessToken ?? null,
      refresh_token: session.refreshToken ?? null,
      refresh_token_expires: session.refreshTokenExpires?.getTime() ?? null,
      online_access_info: session.onlineAccessInfo ? JSON.stringify(session.onlineAccessInfo) : null,
    });
    return true;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const row = this.byId.get(id);
    return row && toSession(row);
  }

  async deleteSession(id: string): Promise<boolean> {
    this.deleteById.run(id);
    return true;
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    this.db.transaction(() => ids.forEach((id) => this.deleteById.run(id)))();
    return true;
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return this.byShop.all(shop).map(toSession);
  }

  /** Drops every session of a shop (app/uninstalled, shop/redact). */
  deleteShopSessions(shop: string): void {
    this.deleteByShop.run(shop);
  }
}
