import {randomUUID} from 'node:crypto';
import {SignJWT} from 'jose';

/**
 * A UI extension's session token, as `shopify.sessionToken.get()` gives it: HS256 with the app's secret, `dest`
 * the bare shop domain, `aud` the app's client id, a five-minute life, no `iss`, and `sub` only for a logged-in
 * buyer (left out here). https://shopify.dev/docs/api/checkout-ui-extensions/latest/target-apis/platform-apis/session-token-api
 */
export function extensionSessionToken(opts: {shop: string; apiKey: string; secret: string}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({dest: opts.shop, aud: opts.apiKey, exp: now + 300, nbf: now, iat: now, jti: randomUUID()})
    .setProtectedHeader({alg: 'HS256', typ: 'JWT'})
    .sign(new TextEncoder().encode(opts.secret));
}
