import {createHmac} from 'node:crypto';
import {sameBytes} from '../../domain/same-bytes';

// The app proxy's signature rule, as @shopify/shopify-api's `utils.validateHmac(query, {signator: 'appProxy'})`
// applies it (lib/utils/hmac-validator: normalizeQuery, validateHmacTimestamp, stringifyQueryForAppProxy,
// safeCompare), done synchronously with node:crypto: the library's WebCrypto path imports the key and awaits
// a digest per request, the largest share of the proxy's CPU in the profile. test/server/routes/
// proxy-signature.test.ts checks both agree on valid, tampered and malformed queries.
// https://shopify.dev/docs/apps/build/online-store/app-proxies/authenticate-app-proxies

/** How far the signed `timestamp` may be from now, as the library allows. */
const TOLERANCE_S = 90;
/** Parameters Shopify sends once; a second copy makes the query invalid. */
const SINGLE_VALUE = new Set(['hmac', 'shop', 'signature', 'timestamp']);

export type ProxySignatureCheck = {valid: true} | {valid: false; reason: string};

/** A checker bound to the app's secret: whether a proxied request's query carries Shopify's signature. */
export function appProxyVerifier(secret: string): (query: URLSearchParams, nowMs?: number) => ProxySignatureCheck {
  return (query, nowMs = Date.now()) => {
    // Repeated parameters are joined with commas, in order; the library builds a null-prototype object the same way.
    const params: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [key, value] of query.entries()) {
      const seen = params[key];
      if (seen === undefined) params[key] = value;
      else if (SINGLE_VALUE.has(key)) return {valid: false, reason: `query parameter "${key}" must not appear more than once`};
      else params[key] = `${seen},${value}`;
    }
    const {signature, hmac: _hmac, ...signed} = params;
    if (!signature) return {valid: false, reason: 'query does not contain a signature value'};
    const timestamp = Number(params.timestamp);
    if (params.timestamp === undefined || !Number.isInteger(timestamp)) return {valid: false, reason: 'timestamp is missing or invalid'};
    if (Math.abs(Math.trunc(nowMs / 1000) - timestamp) > TOLERANCE_S) return {valid: false, reason: 'timestamp is outside of the tolerance range'};
    const message = Object.entries(signed)
      .sort(([a], [b]) => a.localeCompare(b))
      .reduce((acc, [key, value]) => `${acc}${key}=${value}`, '');
    const expected = Buffer.from(createHmac('sha256', secret).update(message).digest('hex'));
    const given = Buffer.from(signature);
    if (!sameBytes(given, expected)) return {valid: false, reason: 'invalid signature'};
    return {valid: true};
  };
}
