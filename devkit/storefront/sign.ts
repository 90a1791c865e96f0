/** Signs app-proxy requests the way Shopify does, so the preview store can talk to the real app server. */
import {createHmac} from 'node:crypto';

export type ProxyQuery = Record<string, string | string[]>;

/**
 * Shopify's app-proxy `signature`: hex HMAC-SHA256 of the sorted `key=value` pairs joined without separators,
 * array values joined with commas.
 */
export function proxySignature(query: ProxyQuery, secret: string): string {
  const message = Object.keys(query)
    .filter((key) => key !== 'signature')
    .sort()
    .map((key) => `${key}=${[query[key]].flat().join(',')}`)
    .join('');
  return createHmac('sha256', secret).update(message).digest('hex');
}

/** The query Shopify forwards to the app: the shopper's own parameters plus shop, customer, prefix, time and signature. */
export function signProxyQuery(
  params: URLSearchParams,
  opts: {shop: string; secret: string; pathPrefix: string; customerId?: string; now?: Date},
): URLSearchParams {
  const query: ProxyQuery = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length > 1 ? values : values[0];
  }
  query.shop = opts.shop;
  query.logged_in_customer_id = opts.customerId ?? '';
  query.path_prefix = opts.pathPrefix;
  query.timestamp = String(Math.floor((opts.now ?? new Date()).getTime() / 1000));
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) for (const v of [value].flat()) out.append(key, v);
  out.set('signature', proxySignature(query, opts.secret));
  return out;
}
