import '@shopify/shopify-api/adapters/node';
import {ApiVersion, LogSeverity, shopifyApi} from '@shopify/shopify-api';
import type {Shopify} from '@shopify/shopify-api';
import {setAbstractFetchFunc} from '@shopify/shopify-api/runtime';
import type {Config} from './config';

/** The Admin API version we build against, the same as `[webhooks] api_version` in shopify.app.toml. */
export const API_VERSION = ApiVersion.October26;

/**
 * The one shopifyApi instance. Embedded app, Shopify-managed install with token exchange, expiring offline
 * tokens (refreshed before they expire by auth/offline-session.ts).
 */
export function createShopify(config: Config): Shopify {
  if (config.adminOrigin) routeAdminApiTo(config.adminOrigin);
  return shopifyApi({
    apiKey: config.apiKey,
    apiSecretKey: config.apiSecret,
    scopes: config.scopes,
    hostName: config.appUrl.host,
    hostScheme: config.appUrl.protocol === 'http:' ? 'http' : 'https',
    apiVersion: API_VERSION,
    isEmbeddedApp: true,
    logger: {level: LogSeverity.Warning},
    future: {},
  });
}

/**
 * Sends the library's requests for `https://<shop>.myshopify.com/...` to another origin, keeping the shop in
 * `X-Forwarded-Host`. This is how the demo and tests reach the local Shopify stand-in: through the runtime
 * adapter's fetch hook, so no product code knows it is not talking to Shopify.
 */
function routeAdminApiTo(origin: string): void {
  const target = new URL(origin);
  setAbstractFetchFunc(async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (!url.hostname.endsWith('.myshopify.com')) return fetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set('X-Forwarded-Host', url.host);
    url.protocol = target.protocol;
    url.host = target.host;
    return fetch(url, {...init, headers});
  });
}
