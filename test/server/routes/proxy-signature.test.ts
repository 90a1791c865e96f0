import '@shopify/shopify-api/adapters/node';
import {ApiVersion, LogSeverity, shopifyApi} from '@shopify/shopify-api';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {appProxyVerifier} from '../../../server/routes/proxy-signature';
import {proxySignature} from '../../../devkit/storefront/sign';
import type {ProxyQuery} from '../../../devkit/storefront/sign';

const SECRET = 'proxy-signature-secret';
const shopify = shopifyApi({
  apiKey: 'key', apiSecretKey: SECRET, scopes: [], hostName: 'app.example.com', apiVersion: ApiVersion.October26, isEmbeddedApp: true,
  logger: {level: LogSeverity.Error}, future: {},
});
const verify = appProxyVerifier(SECRET);

/** The library's answer: valid, or not (it throws for malformed queries, which is a no). */
async function library(query: URLSearchParams): Promise<boolean> {
  try {
    return await shopify.utils.validateHmac(query, {signator: 'appProxy'});
  } catch {
    return false;
  }
}

const now = () => Math.trunc(Date.now() / 1000);
// Keys and values that exercise the rule: repeats, the single-value names, case, order under localeCompare, Unicode, '=' and ','.
const key = fc.constantFrom('products', 'limit', 'shop', 'timestamp', 'hmac', 'signature', 'path_prefix', 'logged_in_customer_id', 'B', 'b', 'é', 'e', 'Z1', 'z', '10', '9', '__proto__');
const value = fc.oneof(fc.string({maxLength: 8}), fc.constantFrom('', '1,2', 'a=b', 'ü', '123'));

/** A query as Shopify would send it, signed, then changed in one of several ways (or not at all). */
const delivery = fc
  .record({
    params: fc.array(fc.tuple(key.filter((k) => !['signature', 'timestamp', 'shop', 'hmac'].includes(k)), value), {maxLength: 6}),
    skew: fc.oneof(fc.constant(0), fc.integer({min: -200, max: 200})),
    tamper: fc.constantFrom('none', 'none', 'none', 'value', 'drop-signature', 'empty-signature', 'upper', 'repeat-signature', 'repeat-shop', 'repeat-timestamp',
      'timestamp-text', 'timestamp-float', 'drop-timestamp', 'extra-param', 'hmac-param', 'other-secret', 'reorder'),
  })
  .map(({params, skew, tamper}) => {
    const signed: ProxyQuery = {};
    for (const [k, v] of params) signed[k] = k in signed ? [...[signed[k]].flat(), v] : v;
    signed.shop = 'signed.myshopify.com';
    signed.timestamp = String(now() + skew);
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(signed)) for (const one of [v].flat()) q.append(k, one);
    q.append('signature', proxySignature(signed, tamper === 'other-secret' ? 'another' : SECRET));
    const set = (k: string, v: string) => q.set(k, v);
    if (tamper === 'value') set('shop', 'other.myshopify.com');
    if (tamper === 'drop-signature') q.delete('signature');
    if (tamper === 'empty-signature') set('signature', '');
    if (tamper === 'upper') set('signature', q.get('signature')!.toUpperCase());
    if (tamper === 'repeat-signature') q.append('signature', q.get('signature')!);
    if (tamper === 'repeat-shop') q.append('shop', 'signed.myshopify.com');
    if (tamper === 'repeat-timestamp') q.append('timestamp', q.get('timestamp')!);
    if (tamper === 'timestamp-text') set('timestamp', 'soon');
    if (tamper === 'timestamp-float') set('timestamp', `${now()}.5`);
    if (tamper === 'drop-timestamp') q.delete('timestamp');
    if (tamper === 'extra-param') q.append('limit', '3');
    if (tamper === 'hmac-param') q.append('hmac', 'ignored');
    if (tamper === 'reorder') q.sort();
    return q;
  });

describe('app proxy signature, against @shopify/shopify-api', () => {
  it('agrees with the library on valid, tampered and malformed queries', async () => {
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(delivery, async (q) => {
        const theirs = await library(q);
        const ours = verify(q).valid;
        if (ours) valid += 1;
        expect(ours).toBe(theirs);
      }),
      {numRuns: 1500},
    );
    // Both answers occur: the property is not passing on rejections alone.
    expect(valid).toBeGreaterThan(100);
  });

  it('agrees on arbitrary query strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({maxLength: 60}), async (raw) => {
        const q = new URLSearchParams(raw);
        expect(verify(q).valid).toBe(await library(q));
      }),
      {numRuns: 500},
    );
  });
});
