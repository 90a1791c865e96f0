import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {proxySignature, signProxyQuery} from '../../../devkit/storefront/sign';

let app: TestApp;
const SHOP = 'proxied.myshopify.com';
beforeAll(async () => {
  app = await startTestApp();
  shopsRepo(app.services.appDb).recordInstall(parseShopDomain(SHOP)!, 'read_orders');
});
afterAll(async () => app.close());

function signed(path: string, params: Record<string, string>, opts: {shop?: string; secret?: string; now?: Date} = {}) {
  const query = signProxyQuery(new URLSearchParams(params), {shop: opts.shop ?? SHOP, secret: opts.secret ?? app.secret, pathPrefix: '/apps/pairwise', now: opts.now});
  return `${app.url}/proxy${path}?${query}`;
}

describe('app proxy signature', () => {
  it('a valid signature gets JSON with a CDN cache header', async () => {
    const res = await fetch(signed('/recommendations', {products: '1,2', limit: '4'}));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(await res.json()).toEqual({products: []});
  });

  const tampered: [string, (url: URL) => void][] = [
    ['missing signature', (u) => u.searchParams.delete('signature')],
    ['empty signature', (u) => u.searchParams.set('signature', '')],
    ['signature of other parameters', (u) => u.searchParams.set('products', '3')],
    ['shop swapped after signing', (u) => u.searchParams.set('shop', 'other.myshopify.com')],
    ['signature in upper case hex', (u) => u.searchParams.set('signature', u.searchParams.get('signature')!.toUpperCase())],
    ['duplicated signature parameter', (u) => u.searchParams.append('signature', u.searchParams.get('signature')!)],
    ['missing timestamp', (u) => u.searchParams.delete('timestamp')],
  ];
  it.each(tampered)('%s: 401 and nothing else', async (_case, change) => {
    const url = new URL(signed('/recommendations', {products: '1'}));
    change(url);
    const res = await fetch(url);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({error: 'invalid signature'});
  });

  it('signed with another secret: 401', async () => {
    expect((await fetch(signed('/recommendations', {products: '1'}, {secret: 'nope'}))).status).toBe(401);
  });

  it('stale (signed over 90 s ago): 401', async () => {
    expect((await fetch(signed('/recommendations', {products: '1'}, {now: new Date(Date.now() - 120_000)}))).status).toBe(401);
  });

  it('a valid signature for a shop that never installed: 404', async () => {
    const res = await fetch(signed('/recommendations', {products: '1'}, {shop: 'stranger.myshopify.com'}));
    expect(res.status).toBe(404);
  });

  it('the signature helper matches the library (a sanity check on the test itself)', async () => {
    const query = {shop: SHOP, timestamp: String(Math.floor(Date.now() / 1000)), path_prefix: '/apps/pairwise', logged_in_customer_id: ''};
    const signature = proxySignature(query, app.secret);
    await expect(app.services.shopify.utils.validateHmac({...query, signature} as never, {signator: 'appProxy'})).resolves.toBe(true);
  });
});

describe('app proxy input', () => {
  it.each([
    ['non-numeric ids', {products: '1,abc'}],
    ['empty list', {products: ''}],
    ['missing products', {}],
    ['1,000 ids', {products: Array.from({length: 1000}, (_, i) => i + 1).join(',')}],
    ['negative limit', {products: '1', limit: '-1'}],
    ['huge limit', {products: '1', limit: '500'}],
    ['SQL in the ids', {products: "1;DROP TABLE orders"}],
  ])('%s: 400 with a message', async (_case, params) => {
    const res = await fetch(signed('/recommendations', params as Record<string, string>));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toEqual(expect.any(String));
  });

  it('events: a valid batch is stored (204); a bad one is refused (400)', async () => {
    const ok = await fetch(signed('/events', {}), {method: 'POST', body: JSON.stringify({events: [{type: 'viewed', block: 'fbt', anchor: 1, product: 2}]})});
    expect(ok.status).toBe(204);
    const bad = await fetch(signed('/events', {}), {method: 'POST', body: JSON.stringify({events: [{type: 'purchased', block: 'fbt'}]})});
    expect(bad.status).toBe(400);
    const notJson = await fetch(signed('/events', {}), {method: 'POST', body: 'garbage'});
    expect(notJson.status).toBe(400);
  });

  it('events: a flood from one shop is rate limited (429)', async () => {
    const batch = JSON.stringify({events: Array.from({length: 50}, () => ({type: 'rendered', block: 'cart'}))});
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetch(signed('/events', {}), {method: 'POST', body: batch})).status);
    expect(statuses).toContain(429);
  });
});
