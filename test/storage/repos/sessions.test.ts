import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Session} from '@shopify/shopify-api';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {openAppDb} from '../../../storage/open';
import type {Db} from '../../../storage/open';
import {SqliteSessionStorage} from '../../../storage/repos/sessions';

// The battery every @shopify/shopify-app-session-storage adapter passes (its shared "batteryOfTests"),
// restated for our adapter over a real SQLite file.

const expiresAt = new Date(Date.now() + 86_400_000);
// Whole seconds: the library's own battery rounds expiry the same way for the adapters that store seconds.
expiresAt.setMilliseconds(0);

const sessions: [string, Session][] = [
  ['offline without expiry', new Session({id: 'offline_a.myshopify.com', shop: 'a.myshopify.com', state: 's', isOnline: false, scope: 'read_orders', accessToken: 'tok'})],
  ['offline expiring with refresh token', new Session({id: 'offline_b.myshopify.com', shop: 'b.myshopify.com', state: 's', isOnline: false, scope: 'read_orders,read_products', accessToken: 'tok', expires: expiresAt, refreshToken: 'ref', refreshTokenExpires: expiresAt})],
  ['online with user info', new Session({
    id: 'c.myshopify.com_42', shop: 'c.myshopify.com', state: 'st', isOnline: true, scope: 'read_orders', accessToken: 'tok', expires: expiresAt,
    onlineAccessInfo: {expires_in: 86400, associated_user_scope: 'read_orders', associated_user: {id: 42, first_name: 'A', last_name: 'B', email: 'a@b.c', email_verified: true, account_owner: true, locale: 'en', collaborator: false}},
  })],
  ['without access token', new Session({id: 'd', shop: 'd.myshopify.com', state: 'x', isOnline: false})],
];

describe('SqliteSessionStorage', () => {
  let dir: string;
  let db: Db;
  let storage: SqliteSessionStorage;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pw-sessions-'));
    db = openAppDb(dir);
    storage = new SqliteSessionStorage(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, {recursive: true, force: true});
  });

  it.each(sessions)('stores and loads a session: %s', async (_name, session) => {
    await expect(storage.storeSession(session)).resolves.toBe(true);
    const loaded = await storage.loadSession(session.id);
    expect(loaded).toBeInstanceOf(Session);
    expect(loaded!.equals(session)).toBe(true);
    expect(loaded!.toObject()).toEqual(session.toObject());
  });

  it.each(sessions)('survives reopening the file: %s', async (_name, session) => {
    await storage.storeSession(session);
    db.close();
    db = openAppDb(dir);
    storage = new SqliteSessionStorage(db);
    expect((await storage.loadSession(session.id))!.equals(session)).toBe(true);
  });

  it('overwrites a session stored twice with the same id', async () => {
    const [, first] = sessions[0];
    await storage.storeSession(first);
    const changed = new Session({...first.toObject(), accessToken: 'new-token', scope: 'read_products'});
    await storage.storeSession(changed);
    const loaded = await storage.loadSession(first.id);
    expect(loaded!.accessToken).toBe('new-token');
    expect(loaded!.scope).toBe('read_products');
  });

  it('returns undefined for an unknown id', async () => {
    await expect(storage.loadSession('nope')).resolves.toBeUndefined();
  });

  it('deletes one session, and deleting a missing one still succeeds', async () => {
    for (const [, s] of sessions) await storage.storeSession(s);
    await expect(storage.deleteSession(sessions[0][1].id)).resolves.toBe(true);
    await expect(storage.loadSession(sessions[0][1].id)).resolves.toBeUndefined();
    await expect(storage.loadSession(sessions[1][1].id)).resolves.toBeDefined();
    await expect(storage.deleteSession('never-stored')).resolves.toBe(true);
  });

  it('deletes several sessions at once', async () => {
    for (const [, s] of sessions) await storage.storeSession(s);
    await storage.deleteSessions([sessions[0][1].id, sessions[2][1].id]);
    const left = await Promise.all(sessions.map(([, s]) => storage.loadSession(s.id)));
    expect(left.map((s) => s?.id)).toEqual([undefined, sessions[1][1].id, undefined, sessions[3][1].id]);
  });

  it('finds every session of a shop and only that shop', async () => {
    const a2 = new Session({id: 'a.myshopify.com_7', shop: 'a.myshopify.com', state: 's', isOnline: true, accessToken: 't2'});
    for (const [, s] of sessions) await storage.storeSession(s);
    await storage.storeSession(a2);
    const found = await storage.findSessionsByShop('a.myshopify.com');
    expect(found.map((s) => s.id).sort()).toEqual(['a.myshopify.com_7', 'offline_a.myshopify.com']);
    await expect(storage.findSessionsByShop('zzz.myshopify.com')).resolves.toEqual([]);
  });
});
