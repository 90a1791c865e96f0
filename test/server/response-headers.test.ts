import {execSync} from 'node:child_process';
import {readdirSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startTestApp} from '../../devkit/test-app';
import type {TestApp} from '../../devkit/test-app';
import {sessionToken} from '../../devkit/session-token';

// Frame protection as App Store review checks it (https://shopify.dev/docs/apps/build/security/set-up-iframe-protection):
// the admin page may be framed by the one shop it is opened for and by Shopify admin, never by any *.myshopify.com.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SHOP = 'framed-shop.myshopify.com';
const ADMIN_ONLY = 'frame-ancestors https://admin.shopify.com;';
const FOR_SHOP = `frame-ancestors https://${SHOP} https://admin.shopify.com;`;
let app: TestApp;
let asset: string;

beforeAll(async () => {
  // The server serves app/dist, built for production as `npm start` does.
  execSync('node scripts/ensure-build.mjs', {cwd: ROOT, stdio: 'pipe', env: {...process.env, NODE_ENV: 'production'}});
  asset = `/assets/${readdirSync(join(ROOT, 'app/dist/assets')).find((f) => f.endsWith('.js'))}`;
  app = await startTestApp({onInstalled: () => {}});
}, 180_000);
afterAll(() => app?.close());

const get = async (path: string, token?: string) =>
  fetch(app.url + path, {headers: token ? {authorization: `Bearer ${token}`} : {}, redirect: 'manual'});

describe('the admin page is framed only by its shop and Shopify admin', () => {
  it.each([
    ['/', ADMIN_ONLY],
    [`/?shop=${SHOP}&host=YWRtaW4&embedded=1`, FOR_SHOP],
    [`/settings?shop=${SHOP}`, FOR_SHOP],
    ['/?shop=evil.example.com', ADMIN_ONLY],
    [`/?shop=${SHOP}.evil.example.com`, ADMIN_ONLY],
    ['/?shop=https://framed-shop.myshopify.com', ADMIN_ONLY],
    ['/?shop=*.myshopify.com', ADMIN_ONLY],
    [`/?shop=${SHOP}&shop=other.myshopify.com`, ADMIN_ONLY],
  ])('GET %s', async (path, policy) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(policy);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves its scripts under the same policy', async () => {
    const res = await get(asset);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(ADMIN_ONLY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('every response says nosniff; /api answers are never stored', () => {
  it.each([
    ['GET', '/api/status', 'token', 200, 'no-store'],
    ['GET', '/api/status', 'none', 401, 'no-store'],
    ['GET', '/api/status', 'expired', 401, 'no-store'],
    ['GET', '/api/no-such-route', 'token', 404, 'no-store'],
    ['POST', '/webhooks', 'none', 400, null],
    ['GET', '/proxy/recommendations?products=1', 'none', 401, null],
  ] as const)('%s %s (%s): %i', async (method, path, auth, status, cacheControl) => {
    const token = auth === 'none' ? undefined : await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret, expiresInS: auth === 'expired' ? -120 : 60});
    const res = await fetch(app.url + path, {method, headers: token ? {authorization: `Bearer ${token}`} : {}});
    expect(res.status).toBe(status);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    if (cacheControl) expect(res.headers.get('cache-control')).toBe(cacheControl);
    expect(res.headers.get('content-security-policy') ?? '').not.toContain('*');
  });
});
