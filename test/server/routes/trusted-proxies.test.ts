import {randomUUID} from 'node:crypto';
import {createServer, request} from 'node:http';
import type {Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {signProxyQuery} from '../../../devkit/storefront/sign';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import type {ShopDomain} from '../../../storage/shop-domain';

// The storefront's per-client budgets behind real forwarding proxies: a client that writes a fresh
// X-Forwarded-For on every request is still one client, the address the trusted proxies saw.

/**
 * A reverse proxy as Shopify's app proxy or a load balancer forwards: it appends the address it was connected
 * from to X-Forwarded-For (keeping what came before) and passes the request on.
 */
async function forwardingProxy(target: string): Promise<{url: string; server: Server}> {
  const server = createServer((req, res) => {
    const forwarded = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const upstream = request(target + req.url, {method: req.method, headers: {...req.headers, host: new URL(target).host, 'x-forwarded-for': forwarded}}, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server};
}

/** A POST from the given loopback address (127.0.0.x: one machine, distinct clients). */
function post(url: string, body: string, headers: Record<string, string>, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {method: 'POST', headers: {...headers, 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body)}, localAddress}, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const shop = (name: string) => parseShopDomain(`${name}.myshopify.com`)!;
const fakeAddress = () => `203.0.113.${Math.floor(Math.random() * 254) + 1}, 198.51.100.${Math.floor(Math.random() * 254) + 1}`;

describe.each([
  ['Shopify\'s app proxy alone (the default, 1 hop)', undefined, 1],
  ['the app proxy and a load balancer (PAIRWISE_TRUSTED_PROXIES=2)', 2, 2],
])('behind %s', (_name, trustedProxies, hops) => {
  let app: TestApp;
  let front: string;
  const servers: Server[] = [];
  const shops = {experiment: shop(`xff-experiment-${hops}`), events: shop(`xff-events-${hops}`)};

  beforeAll(async () => {
    app = await startTestApp({trustedProxies});
    for (const s of Object.values(shops)) {
      shopsRepo(app.services.appDb).recordInstall(s, 'read_orders');
      experimentPeriodsRepo(app.services.shopDbs.get(s)).forShare(0.5);
    }
    // The client reaches the first proxy; each proxy forwards to the next, the last to the app.
    let next = app.url;
    for (let i = 0; i < hops; i++) {
      const p = await forwardingProxy(next);
      servers.push(p.server);
      next = p.url;
    }
    front = next;
  });
  afterAll(async () => {
    servers.forEach((s) => s.close());
    await app?.close();
  });
  const signed = (s: ShopDomain) => signProxyQuery(new URLSearchParams(), {shop: s, secret: app.secret, pathPrefix: '/apps/pairwise'});

  it('impressions: a client inventing an address per request is held to its 20 per 10 s; another client is still counted', async () => {
    const s = shops.experiment;
    const period = experimentPeriodsRepo(app.services.shopDbs.get(s)).current()!.period;
    const impression = (from: string, xff?: string) =>
      post(`${front}/proxy/experiment?${signed(s)}`, JSON.stringify({visitor: randomUUID(), period}), xff ? {'x-forwarded-for': xff} : {}, from);
    const flood = await Promise.all(Array.from({length: 40}, () => impression('127.0.0.1', fakeAddress())));
    expect(flood.filter((c) => c === 204)).toHaveLength(20);
    expect(flood.filter((c) => c === 429)).toHaveLength(20);
    expect(await impression('127.0.0.2')).toBe(204);
  });

  it('events: the same client is held to its 100 per 10 s', async () => {
    const s = shops.events;
    const batch = JSON.stringify({events: Array.from({length: 10}, () => ({type: 'viewed', block: 'fbt', anchor: 1, product: 2}))});
    const sent = await Promise.all(Array.from({length: 15}, () => post(`${front}/proxy/events?${signed(s)}`, batch, {'x-forwarded-for': fakeAddress()}, '127.0.0.1')));
    expect(sent.filter((c) => c === 204)).toHaveLength(10);
    expect(sent.filter((c) => c === 429)).toHaveLength(5);
    expect(await post(`${front}/proxy/events?${signed(s)}`, batch, {}, '127.0.0.2')).toBe(204);
  });
});
