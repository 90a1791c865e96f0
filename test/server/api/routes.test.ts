import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type express from 'express';
import {apiRouter} from '../../../server/routes/api';
import type {ApiApp} from './harness';
import {sessionToken, startApiApp} from './harness';
import {pid, seedStore} from './fixture';

const SHOP_A = 'shop-a.myshopify.com';
const SHOP_B = 'shop-b.myshopify.com';
const A = 1000;
const B = 2000;

interface Layer {
  route?: {path: string; methods: Record<string, boolean>};
  handle: {stack?: Layer[]};
}

/** Every (method, path) the api router answers, found by walking its stack: a route added later is covered too. */
function routesOf(router: express.Router): {method: string; path: string}[] {
  const found: {method: string; path: string}[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) for (const m of Object.keys(layer.route.methods)) found.push({method: m.toUpperCase(), path: layer.route.path});
      else if (layer.handle.stack) walk(layer.handle.stack);
    }
  };
  walk((router as unknown as {stack: Layer[]}).stack);
  return found;
}

/** A concrete URL for a route pattern, with ids that exist only in shop B. */
function concrete(path: string): string {
  return '/api' + path.replace(/:companionId/g, String(pid(B, 3))).replace(/:id/g, String(pid(B, 1)));
}

/** A body the route would accept, so a 2xx/4xx difference comes from the token and the ids, not the shape. */
function bodyFor(method: string, path: string): unknown {
  if (method === 'GET' || method === 'DELETE') return undefined;
  if (path.endsWith('/pins')) return {companionIds: [pid(B, 2)]};
  if (path.endsWith('/exclusions')) return {companionId: pid(B, 2)};
  if (path === '/settings') return {maxItems: 5};
  return {};
}

const routes = routesOf(apiRouter({} as never));

let app: ApiApp;
beforeAll(async () => {
  app = await startApiApp();
  seedStore(app.services.shopDbs.get(SHOP_A as never), A);
  seedStore(app.services.shopDbs.get(SHOP_B as never), B);
});
afterAll(() => app?.close());

describe('the api route table', () => {
  it('has the routes the admin uses', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(expect.arrayContaining([
      'GET /status', 'GET /products', 'GET /products/:id/recommendations', 'PUT /products/:id/pins',
      'POST /products/:id/exclusions', 'DELETE /products/:id/exclusions/:companionId', 'GET /excluded-products',
      'PUT /excluded-products/:id', 'DELETE /excluded-products/:id', 'GET /bundles', 'PUT /bundles/:id/promote',
      'DELETE /bundles/promoted', 'GET /insights', 'GET /analytics', 'GET /settings', 'PUT /settings',
      'GET /training', 'POST /training',
    ]));
  });
});

describe.each(routes)('$method $path', ({method, path}) => {
  const url = concrete(path);
  const body = bodyFor(method, path);
  const send = (authorization?: string) =>
    fetch(app.url + url, {
      method,
      headers: {...(authorization ? {authorization} : {}), ...(body === undefined ? {} : {'content-type': 'application/json'})},
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it.each([
    ['no token', async () => undefined],
    ['not a bearer token', async () => 'Basic abc'],
    ['expired token', async () => `Bearer ${await sessionToken({shop: SHOP_B, apiKey: app.apiKey, secret: app.secret, expiresInS: -60})}`],
    ['token for another app (aud)', async () => `Bearer ${await sessionToken({shop: SHOP_B, apiKey: app.apiKey, secret: app.secret, aud: 'other-app'})}`],
    ['token signed with another secret', async () => `Bearer ${await sessionToken({shop: SHOP_B, apiKey: app.apiKey, secret: 'not-the-secret'})}`],
    ['token for a shop that is not a myshopify domain', async () => `Bearer ${await sessionToken({shop: 'evil.example.com', apiKey: app.apiKey, secret: app.secret})}`],
  ])('refuses %s with 401', async (_case, authorization) => {
    const res = await send(await authorization());
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorized');
  });

  it("refuses shop A's valid token asking for shop B's ids, and changes nothing", async () => {
    const before = app.republished.length;
    if (method === 'POST' && path === '/training') return; // would start a real run; its shop comes from the same guard
    const res = await send(`Bearer ${await sessionToken({shop: SHOP_A, apiKey: app.apiKey, secret: app.secret})}`);
    if (path.includes(':')) {
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('not_found');
    } else {
      // No id in the request: it answers about shop A only, never B.
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(await res.json())).not.toMatch(new RegExp(`\\b${B / 1000}00\\d\\b|shop-b`));
    }
    expect(app.republished.slice(before).every((r) => r.shop === SHOP_A)).toBe(true);
  });
});
