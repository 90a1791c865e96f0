import '@shopify/shopify-api/adapters/node';
import {ApiVersion, shopifyApi} from '@shopify/shopify-api';
import {describe, expect, it} from 'vitest';
import {sessionToken} from '../../devkit/session-token';

const apiKey = 'session-key';
const secret = 'session-secret';
const shop = 'tokens.myshopify.com';
const shopify = shopifyApi({apiKey, apiSecretKey: secret, scopes: [], hostName: 'localhost', apiVersion: ApiVersion.October25, isEmbeddedApp: true, future: {}});

describe('sessionToken', () => {
  it('makes a token the library verifies, with the claims App Bridge sets', async () => {
    const payload = await shopify.session.decodeSessionToken(await sessionToken({shop, apiKey, secret, sub: '99'}));
    expect(payload).toMatchObject({iss: `https://${shop}/admin`, dest: `https://${shop}`, aud: apiKey, sub: '99'});
    expect(payload.exp - payload.iat).toBe(60);
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.sid).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    {case: 'expired', opts: {expiresInS: -30}},
    {case: 'signed with another secret', opts: {secret: 'other'}},
    {case: 'for another app', opts: {aud: 'other-key'}},
    {case: 'not yet valid', opts: {now: Math.floor(Date.now() / 1000) + 120}},
  ])('makes a token the library rejects when $case', async ({opts}) => {
    await expect(shopify.session.decodeSessionToken(await sessionToken({shop, apiKey, secret, ...opts}))).rejects.toThrow();
  });
});
