import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import fc from 'fast-check';
import {SignJWT} from 'jose';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ordersRepo} from '../../storage/repos/orders';
import {shopsRepo} from '../../storage/repos/shops';
import type {ShopDomain} from '../../storage/shop-domain';
import {startTestApp} from '../../devkit/test-app';
import type {TestApp} from '../../devkit/test-app';
import {sessionToken} from '../../devkit/session-token';
import {proxySignature, signProxyQuery} from '../../devkit/storefront/sign';
import {signedWebhook, webhookHmac} from '../../devkit/webhooks';
import {pid, seedStore} from '../server/api/fixture';
import {sized} from './mode';

const SHOP = 'forgery-target.myshopify.com' as ShopDomain;
const BASE = 3000;
const RUNS = sized(40, 300);

interface Attempt {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

let app: TestApp;
const send = (a: Attempt) => fetch(app.url + a.path, {method: a.method ?? 'GET', headers: a.headers, body: a.body, redirect: 'manual'});

const ORDER = {id: 987_650_001, created_at: '2026-11-01T10:00:00Z', line_items: [{id: 1, product_id: pid(BASE, 1), quantity: 1}]};

/** A webhook as Shopify would send it, then `edit` breaks one thing about it. */
function webhook(edit: (headers: Record<string, string>, body: string) => {headers?: Record<string, string>; body?: string}): Attempt {
  const signed = signedWebhook({topic: 'orders/create', shop: SHOP, secret: app.secret, body: ORDER, webhookId: `forged-${Math.random()}`});
  const changed = edit({...signed.headers}, signed.body);
  return {method: 'POST', path: '/webhooks', headers: changed.headers ?? signed.headers, body: changed.body ?? signed.body};
}

/** A proxy query signed as Shopify would, then `edit` breaks one thing about it. */
function proxy(edit: (q: URLSearchParams) => void, opts: {secret?: string; shop?: string; now?: Date; method?: string; path?: string} = {}): Attempt {
  const q = signProxyQuery(new URLSearchParams({products: String(pid(BASE, 6))}), {
    shop: opts.shop ?? SHOP, secret: opts.secret ?? app.secret, pathPrefix: '/apps/pairwise', now: opts.now,
  });
  edit(q);
  return {method: opts.method ?? 'GET', path: `${opts.path ?? '/proxy/recommendations'}?${q}`, body: opts.method === 'POST' ? JSON.stringify({events: [{type: 'viewed', block: 'fbt'}]}) : undefined};
}

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

function bearer(token: string): Attempt {
  return {path: '/api/status', headers: {authorization: `Bearer ${token}`}};
}

const token = (o: Partial<Parameters<typeof sessionToken>[0]> = {}) => sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret, ...o});

/** Every kind of bad request, with the status it must get. None may be 2xx; none may be 5xx. */
const kinds: [string, () => Promise<Attempt> | Attempt, number][] = [
  // Webhooks: the HMAC is over the exact raw body, keyed with the app secret.
  ['webhook without HMAC header', () => webhook((h) => { delete h['X-Shopify-Hmac-Sha256']; return {headers: h}; }), 401],
  ['webhook with empty HMAC', () => webhook((h) => ({headers: {...h, 'X-Shopify-Hmac-Sha256': ''}})), 401],
  ['webhook signed with another secret', () => webhook((h, b) => ({headers: {...h, 'X-Shopify-Hmac-Sha256': webhookHmac(b, 'not-the-secret')}})), 401],
  ['webhook with a tampered body', () => webhook((_h, b) => ({body: b.replace('987650001', '987650002')})), 401],
  ['webhook with a byte appended after signing', () => webhook((_h, b) => ({body: `${b} `})), 401],
  ['webhook HMAC in hex instead of base64', () => webhook((h, b) => ({headers: {...h, 'X-Shopify-Hmac-Sha256': Buffer.from(webhookHmac(b, app.secret), 'base64').toString('hex')}})), 401],
  ['webhook HMAC truncated', () => webhook((h) => ({headers: {...h, 'X-Shopify-Hmac-Sha256': h['X-Shopify-Hmac-Sha256'].slice(0, 20)}})), 401],
  ['webhook HMAC of an empty body, sent with no body', () => webhook((h) => ({headers: {...h, 'X-Shopify-Hmac-Sha256': webhookHmac('', app.secret)}, body: ''})), 400],
  ['webhook for a domain that is not myshopify', () => webhook((h) => ({headers: {...h, 'X-Shopify-Shop-Domain': 'evil.example.com'}})), 400],
  ['webhook for a path-traversal domain', () => webhook((h) => ({headers: {...h, 'X-Shopify-Shop-Domain': '../../app.myshopify.com'}})), 400],
  ['webhook for an upper-case domain', () => webhook((h) => ({headers: {...h, 'X-Shopify-Shop-Domain': SHOP.toUpperCase()}})), 400],
  ['webhook without topic', () => webhook((h) => { delete h['X-Shopify-Topic']; return {headers: h}; }), 400],
  ['webhook without webhook id', () => webhook((h) => { delete h['X-Shopify-Webhook-Id']; delete h['X-Shopify-Event-Id']; return {headers: h}; }), 400],
  ['webhook body over the size limit', () => webhook((h) => {
    const body = JSON.stringify({...ORDER, note: 'x'.repeat(6 * 2 ** 20)});
    return {headers: {...h, 'X-Shopify-Hmac-Sha256': webhookHmac(body, app.secret)}, body};
  }), 413],
  // App proxy: `signature` over the sorted query, `timestamp` within 90 s, `shop` once.
  ['proxy without signature', () => proxy((q) => q.delete('signature')), 401],
  ['proxy with empty signature', () => proxy((q) => q.set('signature', '')), 401],
  ['proxy signed with another secret', () => proxy(() => {}, {secret: 'not-the-secret'}), 401],
  ['proxy with a stale timestamp', () => proxy(() => {}, {now: new Date(Date.now() - 120_000)}), 401],
  ['proxy with a timestamp from the future', () => proxy(() => {}, {now: new Date(Date.now() + 600_000)}), 401],
  ['proxy without timestamp', () => proxy((q) => {
    q.delete('timestamp');
    q.set('signature', proxySignature(Object.fromEntries([...q].filter(([k]) => k !== 'signature')), app.secret));
  }), 401],
  ['proxy with a parameter changed after signing', () => proxy((q) => q.set('products', String(pid(BASE, 2)))), 401],
  ['proxy with a parameter added after signing', () => proxy((q) => q.set('limit', '20')), 401],
  ['proxy with the shop changed after signing', () => proxy((q) => q.set('shop', 'other-shop.myshopify.com')), 401],
  ['proxy with a second shop parameter', () => proxy((q) => q.append('shop', 'other-shop.myshopify.com')), 401],
  ['proxy with a second signature', () => proxy((q) => q.append('signature', '00'.repeat(32))), 401],
  ['proxy validly signed for a domain that is not myshopify', () => proxy(() => {}, {shop: 'evil.example.com'}), 401],
  ['proxy validly signed for a shop that never installed', () => proxy(() => {}, {shop: 'never-installed.myshopify.com'}), 404],
  ['proxy events without signature', () => proxy((q) => q.delete('signature'), {method: 'POST', path: '/proxy/events'}), 401],
  ['proxy events with a stale timestamp', () => proxy(() => {}, {method: 'POST', path: '/proxy/events', now: new Date(Date.now() - 120_000)}), 401],
  // Session tokens: HS256 JWT with our secret, our api key as aud, within exp/nbf, a myshopify dest.
  ['admin API without token', () => ({path: '/api/status'}), 401],
  ['admin API with Basic auth', () => ({path: '/api/status', headers: {authorization: 'Basic YWRtaW46YWRtaW4='}}), 401],
  ['admin API with an empty bearer', () => ({path: '/api/status', headers: {authorization: 'Bearer '}}), 401],
  ['session token with alg none', () => bearer(`${b64url({alg: 'none', typ: 'JWT'})}.${b64url({dest: `https://${SHOP}`, aud: app.apiKey, exp: Date.now() / 1000 + 60})}.`), 401],
  ['session token signed with another secret', async () => bearer(await token({secret: 'not-the-secret'})), 401],
  ['expired session token', async () => bearer(await token({expiresInS: -120})), 401],
  ['session token not valid yet', async () => bearer(await token({now: Math.floor(Date.now() / 1000) + 600})), 401],
  ['session token for another app', async () => bearer(await token({aud: 'another-app'})), 401],
  ['session token for a domain that is not myshopify', async () => bearer(await token({shop: 'evil.example.com'})), 401],
  ['session token with its payload swapped after signing', async () => {
    const [h, , s] = (await token()).split('.');
    return bearer(`${h}.${b64url({dest: 'https://other-shop.myshopify.com', aud: app.apiKey, exp: Math.floor(Date.now() / 1000) + 60, nbf: 0})}.${s}`);
  }, 401],
  ['session token without dest', async () => bearer(await new SignJWT({aud: app.apiKey}).setProtectedHeader({alg: 'HS256'}).setExpirationTime('1m')
    .sign(new TextEncoder().encode(app.secret))), 401],
];

/** The server still does its job: a valid webhook, proxy call and admin call all succeed. */
async function stillServes(): Promise<void> {
  const hook = signedWebhook({topic: 'products/delete', shop: SHOP, secret: app.secret, body: {id: 1}});
  expect((await send({method: 'POST', path: '/webhooks', headers: hook.headers, body: hook.body})).status).toBe(200);
  const res = await send(proxy(() => {}));
  expect(res.status).toBe(200);
  expect(((await res.json()) as {products: unknown[]}).products.length).toBeGreaterThan(0);
  expect((await send(bearer(await token()))).status).toBe(200);
}

beforeAll(async () => {
  app = await startTestApp({adminOrigin: 'http://127.0.0.1:9'});
  app.services.onInstalled = () => {};
  shopsRepo(app.services.appDb).ensure(SHOP);
  seedStore(app.services.shopDbs.get(SHOP), BASE);
});
afterAll(() => app?.close());

describe('forgery', () => {
  it('covers at least 30 kinds of bad request', () => {
    expect(kinds.length).toBeGreaterThanOrEqual(30);
  });

  it.each(kinds)('refuses %s', async (_kind, attempt, status) => {
    expect((await send(await attempt())).status).toBe(status);
  });

  it('refuses any body under a random HMAC (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({maxLength: 2000}), fc.base64String({minLength: 0, maxLength: 64}), async (body, hmac) => {
        const headers = {...signedWebhook({topic: 'orders/create', shop: SHOP, secret: app.secret, body}).headers, 'X-Shopify-Hmac-Sha256': hmac};
        expect((await send({method: 'POST', path: '/webhooks', headers, body: body || ' '})).status).toBe(401);
      }),
      {numRuns: RUNS},
    );
  });

  it('never fails on a signed body of any shape, and stores no order from it (property)', async () => {
    const topics = fc.constantFrom('orders/create', 'orders/updated', 'orders/delete', 'products/update', 'customers/redact', 'customers/data_request', 'app/uninstalled');
    await fc.assert(
      fc.asyncProperty(topics, fc.oneof(fc.json(), fc.jsonValue().map((v) => JSON.stringify({id: v, line_items: v}))), async (topic, body) => {
        const res = await send({method: 'POST', path: '/webhooks', ...signedWebhook({topic, shop: 'fuzzed.myshopify.com', secret: app.secret, body})});
        expect(res.status).toBe(200);
      }),
      {numRuns: RUNS},
    );
    expect(ordersRepo(app.services.shopDbs.get('fuzzed.myshopify.com' as ShopDomain)).counts().orders).toBe(0);
  });

  it('refuses any unsigned or badly signed proxy query (property)', async () => {
    const params = fc.dictionary(fc.constantFrom('shop', 'products', 'limit', 'timestamp', 'signature', 'path_prefix', 'x'), fc.string({maxLength: 80}));
    await fc.assert(
      fc.asyncProperty(params, fc.constantFrom('/proxy/recommendations', '/proxy/events', '/proxy/anything'), async (query, path) => {
        const res = await send({method: path === '/proxy/events' ? 'POST' : 'GET', path: `${path}?${new URLSearchParams(query)}`, body: path === '/proxy/events' ? '{}' : undefined});
        expect(res.status).toBe(401);
      }),
      {numRuns: RUNS},
    );
  });

  it('answers any validly signed proxy query without a server error (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({maxLength: 60}), fc.string({maxLength: 10}), fc.string({maxLength: 10}), async (products, limit, format) => {
        const q = signProxyQuery(new URLSearchParams({products, limit, format}), {shop: SHOP, secret: app.secret, pathPrefix: '/apps/pairwise'});
        const res = await send({path: `/proxy/recommendations?${q}`});
        expect([200, 400]).toContain(res.status);
      }),
      {numRuns: RUNS},
    );
  });

  it('refuses any string as a session token (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({maxLength: 400}), fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.'))), async (t) => {
        const res = await send({path: '/api/status', headers: {authorization: `Bearer ${t.replace(/[^\x21-\x7e]/g, 'a') || 'a'}`}});
        expect(res.status).toBe(401);
      }),
      {numRuns: RUNS},
    );
  });

  it('stored nothing from the forgeries and still serves valid requests', async () => {
    expect(ordersRepo(app.services.shopDbs.get(SHOP)).get(ORDER.id)).toBeUndefined();
    // Only the target and the shop the signed fuzz was addressed to have files; no forged domain became one.
    expect(readdirSync(join(app.dataDir, 'shops')).filter((f) => f.endsWith('.db')).sort()).toEqual(['forgery-target.myshopify.com.db', 'fuzzed.myshopify.com.db']);
    expect(app.logs.filter((l) => l.level === 'error')).toEqual([]);
    await stillServes();
  });
});
