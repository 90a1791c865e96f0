import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {offlineSession} from '../../../server/auth/offline-session';
import {NoOfflineSession} from '../../../domain/errors';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {sessionToken} from '../../../devkit/session-token';
import {ShopifyStandin} from '../../../devkit/shopify-standin';
import {call} from '../api/harness';

// Shopify-managed install: the App Bridge session token is exchanged for an expiring offline token, which is
// refreshed before it expires. Against the stand-in's token endpoint (Shopify's documented shapes).

const SHOP = parseShopDomain('tokens.myshopify.com')!;
let standin: ShopifyStandin;
let app: TestApp;
let apiKey: string;
let secret: string;
const installed: string[] = [];

beforeAll(async () => {
  apiKey = `key-${randomBytes(4).toString('hex')}`;
  secret = randomBytes(16).toString('hex');
  // Access tokens that live 2 minutes: inside the 5-minute refresh margin, so every use refreshes.
  standin = await ShopifyStandin.start({apiKey, apiSecret: secret, accessTokenTtlS: 120});
  standin.addShop(SHOP, {});
  app = await startTestApp({adminOrigin: standin.origin, apiKey, secret});
});
afterAll(async () => {
  await app?.close();
  await standin?.close();
});

describe('offlineSession', () => {
  it('without a stored session or a session token, says the merchant must open the app', async () => {
    await expect(offlineSession(app.services, SHOP)).rejects.toBeInstanceOf(NoOfflineSession);
  });

  it('exchanges a session token for an expiring offline token and records the install once', async () => {
    const session = await offlineSession(app.services, SHOP, await sessionToken({shop: SHOP, apiKey, secret}), (s) => installed.push(s));
    expect(session.accessToken).toBeTruthy();
    expect(session.refreshToken).toBeTruthy();
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now());
    expect(installed).toEqual([SHOP]);
    expect(shopsRepo(app.services.appDb).get(SHOP)?.scopes).toContain('read_orders');
  });

  it('refreshes a token about to expire, with no session token, and does not count it as an install', async () => {
    const first = await offlineSession(app.services, SHOP);
    const second = await offlineSession(app.services, SHOP);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(standin.requests.filter((r) => r.grantType === 'refresh_token').length).toBeGreaterThanOrEqual(2);
    expect(installed).toEqual([SHOP]);
  });

  it('a session token signed with another secret is refused by Shopify and nothing is stored', async () => {
    const other = parseShopDomain('forged-install.myshopify.com')!;
    standin.addShop(other, {});
    await expect(offlineSession(app.services, other, await sessionToken({shop: other, apiKey, secret: 'wrong'}))).rejects.toThrow();
    await expect(offlineSession(app.services, other)).rejects.toBeInstanceOf(NoOfflineSession);
  });
});

describe("the admin's requests before the shop has an offline token", () => {
  it('Shopify refuses the token (4xx): the next request tries again, as a re-install would need (exchange-unreachable.test.ts: when Shopify does not answer)', async () => {
    // Unknown to the stand-in: its token endpoint answers 404.
    const shop = 'no-such-store.myshopify.com';
    const exchanges = () => standin.requests.filter((r) => r.path === '/admin/oauth/access_token' && r.shop === shop).length;
    const failures = () => app.logs.filter((l) => l.msg === 'token exchange failed' && l.fields?.shop === shop).length;
    for (let n = 1; n <= 2; n++) {
      expect((await call(app, shop, 'GET', '/api/settings')).status).toBe(200);
      await expect.poll(failures, {timeout: 5_000}).toBe(n);
    }
    expect(exchanges()).toBe(2);
  });
});
