import {randomBytes} from 'node:crypto';
import {request} from 'node:http';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {sessionToken} from '../../devkit/session-token';
import {signProxyQuery} from '../../devkit/storefront/sign';
import {startTestApp} from '../../devkit/test-app';
import type {TestApp} from '../../devkit/test-app';
import {REDIS_SERVER, RedisServer, startWorkerApp} from '../../devkit/workers';
import type {WorkerApp} from '../../devkit/workers';
import {INTERNAL_PATHS} from '../../domain/training-job';
import {BODY_HASH_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signedHeaders} from '../../domain/worker-signature';
import {shopsRepo} from '../../storage/repos/shops';
import {parseShopDomain} from '../../storage/shop-domain';

// Every route that reads a body refuses input it would refuse anyway (no credentials, malformed credentials, a
// declared length past its limit) before the body arrives: each request below declares its length, sends the
// first KiB only and waits. An answer while the rest is unsent is a refusal made before reading; a route that
// reads first never answers, and the case times out.

const SHOP = parseShopDomain('body-limits.myshopify.com')!;
const FIRST = Buffer.alloc(1024, 32);
const WAIT_MS = 5_000;

/** Sends headers and the first KiB of a `declared`-byte body; resolves with the answer, or 'no answer' after WAIT_MS. */
function partial(url: string, method: string, headers: Record<string, string>, declared: number): Promise<{status: number | 'no answer'; body: string}> {
  return new Promise((resolve, reject) => {
    const req = request(url, {method, headers: {...headers, 'content-length': declared}});
    const timer = setTimeout(() => {
      req.destroy();
      resolve({status: 'no answer', body: ''});
    }, WAIT_MS);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({status: res.statusCode!, body});
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.write(FIRST.subarray(0, Math.min(FIRST.length, declared)));
  });
}

type Case = [route: string, why: string, method: string, path: () => string, headers: () => Promise<Record<string, string>> | Record<string, string>, declared: number, status: number];

const MiB = 1024 * 1024;

describe('the public port: /webhooks, /proxy/*, /api/*', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    shopsRepo(app.services.appDb).recordInstall(SHOP, 'read_orders');
  });
  afterAll(async () => app?.close());
  const proxy = (route: string) => () => `/proxy/${route}?${signProxyQuery(new URLSearchParams(), {shop: SHOP, secret: app.secret, pathPrefix: '/apps/pairwise'})}`;
  const bearer = async () => ({authorization: `Bearer ${await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret})}`, 'content-type': 'application/json'});
  const hook = {'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': SHOP, 'x-shopify-api-version': '2025-10', 'x-shopify-webhook-id': 'w-1'};

  it.each<Case>([
    // /webhooks (5 MB): HMAC header present and well formed (401), declared length (413), body read, HMAC (401), headers (400), JSON.
    ['/webhooks', 'no HMAC header', 'POST', () => '/webhooks', () => hook, 4 * MiB, 401],
    ['/webhooks', 'an HMAC header that is not a base64 SHA-256', 'POST', () => '/webhooks', () => ({...hook, 'x-shopify-hmac-sha256': 'not-an-hmac'}), 4 * MiB, 401],
    ['/webhooks', 'an events delivery without its HMAC', 'POST', () => '/webhooks', () => ({'shopify-topic': 'orders/create', 'shopify-shop-domain': SHOP}), 4 * MiB, 401],
    ['/webhooks', 'past 5 MB', 'POST', () => '/webhooks', () => ({...hook, 'x-shopify-hmac-sha256': randomBytes(32).toString('base64')}), 6 * MiB, 413],
    // /proxy/* (32 KiB for every route, app.ts; then events 32 KiB, experiment 1 KiB in their parsers): declared length
    // (413), signature in the query (401), body read up to the route's limit (413), schema (400).
    ['/proxy/events', 'unsigned', 'POST', () => `/proxy/events?shop=${SHOP}`, () => ({}), 16 * 1024, 401],
    ['/proxy/events', 'a malformed signature', 'POST', () => proxy('events')().replace(/signature=[0-9a-f]+/, 'signature=zz'), () => ({}), 16 * 1024, 401],
    ['/proxy/events', 'past 32 KiB', 'POST', proxy('events'), () => ({}), 33 * 1024, 413],
    ['/proxy/events', 'unsigned, past 32 KiB', 'POST', () => `/proxy/events?shop=${SHOP}`, () => ({}), MiB, 413],
    ['/proxy/pixel/events', 'unsigned', 'POST', () => `/proxy/pixel/events?shop=${SHOP}`, () => ({}), 16 * 1024, 401],
    ['/proxy/pixel/events', 'past 32 KiB', 'POST', proxy('pixel/events'), () => ({}), 33 * 1024, 413],
    ['/proxy/experiment', 'unsigned', 'POST', () => `/proxy/experiment?shop=${SHOP}`, () => ({}), 16 * 1024, 401],
    ['/proxy/experiment', 'past 32 KiB', 'POST', proxy('experiment'), () => ({}), 33 * 1024, 413],
    // /api/* (100 KiB JSON): session token (401), declared length (413), body read, JSON (400), fields (400).
    ['/api/settings', 'no session token', 'PUT', () => '/api/settings', () => ({'content-type': 'application/json'}), MiB, 401],
    ['/api/settings', 'a malformed session token', 'PUT', () => '/api/settings', () => ({authorization: 'Bearer x.y', 'content-type': 'application/json'}), MiB, 401],
    ['/api/settings', 'past 100 KiB', 'PUT', () => '/api/settings', bearer, 101 * 1024, 413],
    ['/api/products/:id/pins', 'past 100 KiB', 'PUT', () => '/api/products/1/pins', bearer, 101 * 1024, 413],
  ])('%s, %s: answered before the body is read', async (_route, _why, method, path, headers, declared, status) => {
    const answer = await partial(app.url + path(), method, await headers(), declared);
    expect(answer.status).toBe(status);
  });
});

describe.skipIf(!REDIS_SERVER)('the internal listener: /internal/*', () => {
  let redis: RedisServer;
  let app: WorkerApp;
  beforeAll(async () => {
    redis = await RedisServer.start();
    app = await startWorkerApp({queueUrl: redis.url, uploadBytes: 2 * MiB});
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });
  const result = `${INTERNAL_PATHS.result}?shop=${SHOP}&run=1`;
  // Signed headers for a body of `declared` bytes the client will not finish sending.
  const signed = (method: string, path: string, declared: number) => () => signedHeaders(app.secret, method, path, Buffer.alloc(declared));
  const forged = () => ({[TIMESTAMP_HEADER]: String(Date.now()), [BODY_HASH_HEADER]: 'a'.repeat(64), [SIGNATURE_HEADER]: 'b'.repeat(64)});

  // Every route (begin, progress, failed 64 KiB; result PAIRWISE_WORKER_UPLOAD_MB): signed headers (401), replay (401),
  // an upload slot (result: 503), declared length (413), body read, body hash (401), JSON or gzip and fields (400/413/422).
  it.each<Case>([
    ...[INTERNAL_PATHS.begin, INTERNAL_PATHS.progress, INTERNAL_PATHS.failed, result].flatMap((path): Case[] => [
      [path, 'unsigned', 'POST', () => path, () => ({}), MiB, 401],
      [path, 'a malformed timestamp', 'POST', () => path, () => ({...forged(), [TIMESTAMP_HEADER]: 'now'}), MiB, 401],
      [path, 'a forged signature', 'POST', () => path, forged, MiB, 401],
      [path, 'signed six minutes ago', 'POST', () => path, () => signedHeaders(app.secret, 'POST', path, FIRST, Date.now() - 6 * 60_000), MiB, 401],
    ]),
    [INTERNAL_PATHS.begin, 'signed, past 64 KiB', 'POST', () => INTERNAL_PATHS.begin, signed('POST', INTERNAL_PATHS.begin, 65 * 1024), 65 * 1024, 413],
    [result, 'signed, past the upload limit', 'POST', () => result, signed('POST', result, 3 * MiB), 3 * MiB, 413],
  ])('%s, %s: answered before the body is read', async (_route, _why, method, path, headers, declared, status) => {
    const answer = await partial(app.internalUrl + path(), method, await headers(), declared);
    expect(answer.status).toBe(status);
  });
});
