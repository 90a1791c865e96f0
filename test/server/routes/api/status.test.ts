import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {StoreOrder} from '../../../../devkit/store-generator';
import {sessionToken} from '../../../../devkit/session-token';
import {startTestApp} from '../../../../devkit/test-app';
import type {TestApp} from '../../../../devkit/test-app';
import {orderPayload, sendWebhook, signedWebhook} from '../../../../devkit/webhooks';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  // Orders come in through the real webhook route, for two shops.
  const order = (id: number, cancelled = false): StoreOrder => ({
    id, name: `#${id}`, createdAt: '2026-11-01T10:00:00Z', updatedAt: '2026-11-01T10:00:00Z',
    cancelledAt: cancelled ? '2026-11-01T11:00:00Z' : null, customerId: null, currency: 'EUR',
    lines: [{id: id * 10, productId: 5, variantId: 6, title: 'x', quantity: 1, price: '2.00'}],
  });
  for (const [shop, ids] of [['alpha.myshopify.com', [1, 2, 3]], ['beta.myshopify.com', [4]]] as const) {
    for (const id of ids) {
      const res = await sendWebhook(`${app.url}/webhooks`, signedWebhook({topic: 'orders/create', shop, secret: app.secret, body: orderPayload(order(id, id === 3))}));
      expect(res.status).toBe(200);
    }
  }
});
afterAll(async () => app.close());

async function status(token?: string) {
  return fetch(`${app.url}/api/status`, {headers: token ? {Authorization: `Bearer ${token}`} : {}});
}

describe('GET /api/status', () => {
  it("answers the token's shop from local data, and only that shop", async () => {
    const res = await status(await sessionToken({shop: 'alpha.myshopify.com', apiKey: app.apiKey, secret: app.secret}));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.shop).toBe('alpha.myshopify.com');
    expect(body.orders).toMatchObject({orders: 3, cancelled: 1});
    expect(body.lastWebhook.topic).toBe('ORDERS_CREATE');
    const beta = await (await status(await sessionToken({shop: 'beta.myshopify.com', apiKey: app.apiKey, secret: app.secret}))).json();
    expect(beta.orders.orders).toBe(1);
  });

  it.each([
    ['no token', async () => undefined],
    ['expired token', async () => sessionToken({shop: 'alpha.myshopify.com', apiKey: app.apiKey, secret: app.secret, expiresInS: -120, now: Math.floor(Date.now() / 1000) - 60})],
    ['token for another app (aud)', async () => sessionToken({shop: 'alpha.myshopify.com', apiKey: app.apiKey, secret: app.secret, aud: 'another-app'})],
    ['token signed with another secret', async () => sessionToken({shop: 'alpha.myshopify.com', apiKey: app.apiKey, secret: 'wrong-secret'})],
    ['token whose dest is not a shop', async () => sessionToken({shop: 'evil.example.com', apiKey: app.apiKey, secret: app.secret})],
    ['garbage', async () => 'not.a.jwt'],
  ])('401 with %s', async (_case, token) => {
    const res = await status(await token());
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorized');
  });
});
