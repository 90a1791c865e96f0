import '@shopify/shopify-api/adapters/node';
import {createHmac} from 'node:crypto';
import {ApiVersion, shopifyApi} from '@shopify/shopify-api';
import {describe, expect, it} from 'vitest';
import {proxySignature, signProxyQuery} from '../../../devkit/storefront/sign';

const secret = 'hush';
const shopify = shopifyApi({
  apiKey: 'key',
  apiSecretKey: secret,
  scopes: [],
  hostName: 'localhost',
  apiVersion: ApiVersion.October26,
  isEmbeddedApp: true,
});
const opts = {shop: 'a.myshopify.com', secret, pathPrefix: '/apps/pairwise'};

describe('app-proxy signature', () => {
  it('is the HMAC of the sorted pairs, arrays joined with commas, no separators', () => {
    const query = {extra: ['1', '2'], shop: 's.myshopify.com', logged_in_customer_id: '', path_prefix: '/apps/x', timestamp: '1317327555'};
    const message = 'extra=1,2logged_in_customer_id=path_prefix=/apps/xshop=s.myshopify.comtimestamp=1317327555';
    expect(proxySignature(query, secret)).toBe(createHmac('sha256', secret).update(message).digest('hex'));
  });

  it.each([
    ['a plain query', 'products=1,2&limit=4'],
    ['a repeated parameter', 'products=1&products=2'],
    ['no parameters', ''],
  ])("passes @shopify/shopify-api's own appProxy validation: %s", async (_case, raw) => {
    const signed = signProxyQuery(new URLSearchParams(raw), opts);
    await expect(shopify.utils.validateHmac(Object.fromEntries(mergeRepeated(signed)), {signator: 'appProxy'})).resolves.toBe(true);
  });

  it.each([
    ['another secret', (q: URLSearchParams) => signProxyQuery(q, {...opts, secret: 'other'})],
    ['a stale timestamp', (q: URLSearchParams) => signProxyQuery(q, {...opts, now: new Date(Date.now() - 5 * 60_000)})],
  ])('fails validation with %s', async (_case, sign) => {
    const signed = sign(new URLSearchParams('products=1'));
    const verdict = shopify.utils.validateHmac(Object.fromEntries(signed), {signator: 'appProxy'}).catch(() => false);
    expect(await verdict).toBe(false);
  });

  it('adds shop, customer, prefix and timestamp', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const out = signProxyQuery(new URLSearchParams('products=1,2&limit=4'), {...opts, now});
    expect(Object.fromEntries([...out].filter(([k]) => k !== 'signature'))).toEqual({
      products: '1,2',
      limit: '4',
      shop: 'a.myshopify.com',
      logged_in_customer_id: '',
      path_prefix: '/apps/pairwise',
      timestamp: String(now.getTime() / 1000),
    });
  });
});

/** Repeated parameters as one comma-joined value, the way the library reads a parsed query. */
function mergeRepeated(params: URLSearchParams): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of params) out.set(k, out.has(k) ? `${out.get(k)},${v}` : v);
  return out;
}
