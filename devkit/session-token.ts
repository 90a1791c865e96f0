/**
 * App Bridge session tokens (ID tokens) for tests and the demo's App Bridge stand-in: HS256 JWTs signed with
 * the app's secret, with the claims Shopify documents at
 * https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens (iss, dest, aud, sub, exp,
 * nbf, iat, jti, sid).
 */
import {randomUUID} from 'node:crypto';
import {SignJWT} from 'jose';

export interface SessionTokenOptions {
  /** The shop's myshopify domain, e.g. `demo-store.myshopify.com`. */
  shop: string;
  apiKey: string;
  secret: string;
  /** Lifetime; App Bridge's tokens live one minute. Negative gives an already expired token. */
  expiresInS?: number;
  /** The staff member's user id. */
  sub?: string;
  /** Defaults to the api key; set it to make a token for another app. */
  aud?: string;
  /** Seconds since the epoch to treat as now (tokens from the past or the future). */
  now?: number;
}

/** Signs a session token exactly as App Bridge hands one to the embedded app. */
export async function sessionToken(opts: SessionTokenOptions): Promise<string> {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: `https://${opts.shop}/admin`,
    dest: `https://${opts.shop}`,
    aud: opts.aud ?? opts.apiKey,
    sub: opts.sub ?? '42',
    exp: now + (opts.expiresInS ?? 60),
    nbf: now,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID().replace(/-/g, ''),
  })
    .setProtectedHeader({alg: 'HS256', typ: 'JWT'})
    .sign(new TextEncoder().encode(opts.secret));
}
