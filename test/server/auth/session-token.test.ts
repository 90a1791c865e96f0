import {randomUUID} from 'node:crypto';
import {decodeJwt, SignJWT} from 'jose';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {sessionToken} from '../../../devkit/session-token';

// Session tokens carry exp and nbf (https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens);
// one signed with our secret but without them must not open /api.

const SHOP = 'claims.myshopify.com';
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({onInstalled: () => {}});
});
afterAll(() => app?.close());

/** A token signed with the app's secret, with Shopify's claims changed or removed as the case says. */
function token(change: (claims: Record<string, unknown>, now: number) => void): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: app.apiKey, sub: '42',
    exp: now + 60, nbf: now, iat: now, jti: randomUUID(), sid: randomUUID(),
  };
  change(claims, now);
  return new SignJWT(claims).setProtectedHeader({alg: 'HS256', typ: 'JWT'}).sign(new TextEncoder().encode(app.secret));
}

describe('session token time claims', () => {
  it.each<[string, number, (c: Record<string, unknown>, now: number) => void]>([
    ['no exp', 401, (c) => delete c.exp],
    ['no nbf', 401, (c) => delete c.nbf],
    ['neither exp nor nbf', 401, (c) => { delete c.exp; delete c.nbf; }],
    ['exp as a string', 401, (c, now) => void (c.exp = String(now + 60))],
    ['expired a minute ago', 401, (c, now) => void (c.exp = now - 60)],
    ['nbf a minute ahead', 401, (c, now) => void (c.nbf = now + 60)],
    ['valid', 200, () => {}],
  ])('%s: %i', async (_case, status, change) => {
    const res = await fetch(`${app.url}/api/status`, {headers: {authorization: `Bearer ${await token(change)}`}});
    expect(res.status).toBe(status);
    if (status === 401) expect(app.logs.at(-1)).toMatchObject({msg: 'session token rejected'});
  });

  it('keeps the token itself out of the log when refusing it', async () => {
    const refused = await token((c) => void (c.exp = Math.floor(Date.now() / 1000) - 60));
    expect((await fetch(`${app.url}/api/status`, {headers: {authorization: `Bearer ${refused}`}})).status).toBe(401);
    expect(JSON.stringify(app.logs)).not.toContain(refused);
  });

  it('the devkit signer mints tokens with both claims', async () => {
    const claims = decodeJwt(await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret}));
    expect(typeof claims.exp).toBe('number');
    expect(typeof claims.nbf).toBe('number');
  });
});
