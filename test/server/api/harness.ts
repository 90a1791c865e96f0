import type {ShopDomain} from '../../../storage/shop-domain';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {sessionToken} from '../../../devkit/session-token';

export {sessionToken};

export interface ApiApp extends TestApp {
  /** Every republish call, in order (the real republish needs Shopify, which these tests do not run). */
  republished: {shop: ShopDomain; productIds?: number[]}[];
}

/** The real app (real session-token guard, real SQLite) on a random loopback port, recording republishes. */
export async function startApiApp(): Promise<ApiApp> {
  const republished: ApiApp['republished'] = [];
  const app = await startTestApp({republish: (shop, productIds) => void republished.push({shop, productIds}), onInstalled: () => {}});
  return Object.assign(app, {republished});
}

/** A fetch to `/api` with a valid token for `shop`, returning status and parsed JSON. */
export async function call(app: {url: string; apiKey: string; secret: string}, shop: string, method: string, path: string, body?: unknown) {
  const token = await sessionToken({shop, apiKey: app.apiKey, secret: app.secret});
  const res = await fetch(app.url + path, {
    method,
    headers: {authorization: `Bearer ${token}`, ...(body === undefined ? {} : {'content-type': 'application/json'})},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as any; // tests read whatever shape the route answers
  return {status: res.status, json};
}
