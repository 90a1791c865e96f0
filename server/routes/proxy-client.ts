import type {Request} from 'express';

/**
 * Who sent a proxied request: the logged-in customer Shopify signs into the query, else the client IP that
 * Shopify's app proxy forwards in X-Forwarded-For (req.ip: counted PAIRWISE_TRUSTED_PROXIES hops from the server):
 * https://shopify.dev/docs/apps/build/online-store/app-proxies/authenticate-app-proxies
 */
export function proxyClient(req: Request): string {
  const customer = new URLSearchParams(req.originalUrl.split('?')[1] ?? '').get('logged_in_customer_id');
  return customer ? `customer ${customer}` : `ip ${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}
