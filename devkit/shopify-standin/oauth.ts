/**
 * `POST /admin/oauth/access_token`, after
 * https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/token-exchange and
 * https://shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh:
 * - token exchange: grant_type urn:ietf:params:oauth:grant-type:token-exchange, subject_token = the App Bridge
 *   session token (HS256 with the client secret, aud = client id, dest = this shop), subject_token_type
 *   urn:ietf:params:oauth:token-type:id_token, requested_token_type offline or online access token;
 *   `expiring=1` gives a 60-minute offline token with a refresh token;
 * - grant_type refresh_token: a new access token and a new refresh token; the old refresh token stops working.
 * Errors are OAuth's `{error, error_description}` with status 400 (401 for a wrong client).
 */
import {randomBytes} from 'node:crypto';
import {jwtVerify} from 'jose';
import type {AccessToken, ShopState} from './state';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
export const OFFLINE_TOKEN = 'urn:shopify:params:oauth:token-type:offline-access-token';
export const ONLINE_TOKEN = 'urn:shopify:params:oauth:token-type:online-access-token';

export interface OAuthApp {
  apiKey: string;
  apiSecret: string;
  scopes: string[];
  /** Lifetime of expiring offline and of online access tokens. */
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
}

export interface TokenStore {
  access: Map<string, AccessToken>;
  /** refresh token -> shop and expiry. */
  refresh: Map<string, {shop: string; expiresAt: number}>;
}

export interface OAuthResult {
  status: number;
  body: Record<string, unknown>;
}

const fail = (status: number, error: string, description: string): OAuthResult => ({status, body: {error, error_description: description}});

export async function accessTokenEndpoint(params: Record<string, string>, shop: ShopState, app: OAuthApp, tokens: TokenStore): Promise<OAuthResult> {
  if (params.client_id !== app.apiKey || params.client_secret !== app.apiSecret) {
    return fail(401, 'invalid_client', 'Client authentication failed: unknown client_id or wrong client_secret.');
  }
  if (params.grant_type === 'refresh_token') return refresh(params, shop, app, tokens);
  if (params.grant_type !== TOKEN_EXCHANGE) return fail(400, 'unsupported_grant_type', `grant_type ${params.grant_type ?? '(missing)'} is not supported.`);
  if (params.subject_token_type !== ID_TOKEN) return fail(400, 'invalid_request', `subject_token_type must be ${ID_TOKEN}.`);
  const problem = await sessionTokenProblem(params.subject_token, shop.domain, app);
  if (problem) return fail(400, 'invalid_subject_token', problem);
  const scope = app.scopes.join(',');
  const now = Date.now();
  if (params.requested_token_type === ONLINE_TOKEN) {
    const claims = JSON.parse(Buffer.from(params.subject_token.split('.')[1], 'base64url').toString('utf8')) as {sub?: string};
    const token = issue(tokens, {shop: shop.domain, scope, online: true, expiresAt: now + app.accessTokenTtlS * 1000}, 'shpua_');
    const userId = Number(claims.sub) || 42;
    return {
      status: 200,
      body: {
        access_token: token,
        scope,
        expires_in: app.accessTokenTtlS,
        associated_user_scope: scope,
        associated_user: {
          id: userId, first_name: 'Demo', last_name: 'Staff', email: `staff${userId}@example.com`, account_owner: true,
          locale: 'en', collaborator: false, email_verified: true,
        },
      },
    };
  }
  if (params.requested_token_type !== OFFLINE_TOKEN) {
    return fail(400, 'invalid_request', `requested_token_type must be ${OFFLINE_TOKEN} or ${ONLINE_TOKEN}.`);
  }
  if (params.expiring !== '1' && params.expiring !== 'true') {
    return {status: 200, body: {access_token: issue(tokens, {shop: shop.domain, scope, online: false}, 'shpat_'), scope}};
  }
  return {status: 200, body: expiringOffline(shop, app, tokens, scope)};
}

function refresh(params: Record<string, string>, shop: ShopState, app: OAuthApp, tokens: TokenStore): OAuthResult {
  const known = tokens.refresh.get(params.refresh_token ?? '');
  if (!known || known.shop !== shop.domain || known.expiresAt < Date.now()) {
    return fail(400, 'invalid_grant', 'The refresh token is invalid, expired, or was already used.');
  }
  tokens.refresh.delete(params.refresh_token);
  return {status: 200, body: expiringOffline(shop, app, tokens, app.scopes.join(','))};
}

function expiringOffline(shop: ShopState, app: OAuthApp, tokens: TokenStore, scope: string): Record<string, unknown> {
  const now = Date.now();
  const accessToken = issue(tokens, {shop: shop.domain, scope, online: false, expiresAt: now + app.accessTokenTtlS * 1000}, 'shpat_');
  const refreshToken = `shprt_${randomBytes(16).toString('hex')}`;
  tokens.refresh.set(refreshToken, {shop: shop.domain, expiresAt: now + app.refreshTokenTtlS * 1000});
  return {
    access_token: accessToken,
    scope,
    expires_in: app.accessTokenTtlS,
    refresh_token: refreshToken,
    refresh_token_expires_in: app.refreshTokenTtlS,
  };
}

function issue(tokens: TokenStore, token: Omit<AccessToken, 'token'>, prefix: string): string {
  const value = `${prefix}${randomBytes(16).toString('hex')}`;
  tokens.access.set(value, {token: value, ...token});
  return value;
}

/** Why a session token is not acceptable for this shop and app, or undefined when it is. */
async function sessionTokenProblem(token: string | undefined, shop: string, app: OAuthApp): Promise<string | undefined> {
  if (!token) return 'subject_token is missing.';
  try {
    const {payload} = await jwtVerify(token, new TextEncoder().encode(app.apiSecret), {algorithms: ['HS256'], clockTolerance: 10});
    if (payload.aud !== app.apiKey) return 'The session token was issued for another app (aud).';
    if (payload.dest !== `https://${shop}`) return `The session token is for ${String(payload.dest)}, not https://${shop} (dest).`;
    return undefined;
  } catch (error) {
    return `The session token could not be verified: ${(error as Error).message}`;
  }
}
