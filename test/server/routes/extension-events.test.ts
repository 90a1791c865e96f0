import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {sessionToken} from '../../../devkit/session-token';
import {extensionSessionToken} from '../../../devkit/checkout-harness/session-token';
import {parseAttribution} from '../../../server/webhooks/orders';
import {parseShopDomain} from '../../../storage/shop-domain';

// POST /extension/events over real HTTP: the checkout UI extension's funnel events, trusted through its
// session token (https://shopify.dev/docs/api/checkout-ui-extensions/latest/target-apis/platform-apis/session-token-api).

const SHOP = parseShopDomain('checkout-events.myshopify.com')!;
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const post = (token: string | null, body: unknown) =>
  fetch(`${app.url}/extension/events`, {
    method: 'POST',
    headers: {'Content-Type': 'application/json', ...(token ? {Authorization: `Bearer ${token}`} : {})},
    body: JSON.stringify(body),
  });
const stored = () =>
  app.services.shopDbs.get(SHOP).prepare('SELECT type, block, anchor_id AS anchor, product_id AS product FROM events ORDER BY id').all();
const token = (): Promise<string> => extensionSessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret});
const event = {type: 'rendered', block: 'checkout', anchor: '7000000000001', product: '7000000000002'};

describe('POST /extension/events', () => {
  it('answers the CORS preflight of a fetch from the extension', async () => {
    const res = await fetch(`${app.url}/extension/events`, {method: 'OPTIONS', headers: {Origin: 'https://extensions.shopifycdn.com', 'Access-Control-Request-Headers': 'authorization'}});
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });

  it('stores the events of the shop the token names, with the surface as the block', async () => {
    const res = await post(await token(), {events: [event, {...event, type: 'added'}, {type: 'clicked', block: 'thank_you', anchor: null, product: '7000000000003'}]});
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(stored()).toEqual([
      {type: 'rendered', block: 'checkout', anchor: 7000000000001, product: 7000000000002},
      {type: 'added', block: 'checkout', anchor: 7000000000001, product: 7000000000002},
      {type: 'clicked', block: 'thank_you', anchor: null, product: 7000000000003},
    ]);
  });

  it.each([
    ['no token', async () => null, {events: [event]}, 401],
    ['a token signed with another secret', () => extensionSessionToken({shop: SHOP, apiKey: app.apiKey, secret: 'not-the-secret-0123456789'}), {events: [event]}, 401],
    ['a token for another app', () => extensionSessionToken({shop: SHOP, apiKey: 'another-app', secret: app.secret}), {events: [event]}, 401],
    ['a block the extension does not have', token, {events: [{...event, block: 'fbt'}]}, 400],
    ['a product id that is not a number', token, {events: [{...event, product: '12abc'}]}, 400],
    ['more than 10 events', token, {events: Array(11).fill(event)}, 400],
  ] as [string, () => Promise<string | null>, unknown, number][])('refuses %s', async (_case, makeToken, body, status) => {
    const before = stored().length;
    expect((await post(await makeToken(), body)).status).toBe(status);
    expect(stored()).toHaveLength(before);
  });

  it('puts them in the Analytics funnel beside the theme blocks', async () => {
    const res = await fetch(`${app.url}/api/analytics?days=7`, {headers: {Authorization: `Bearer ${await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret})}`}});
    const body = (await res.json()) as {totals: Record<string, {rendered: number; clicked: number; added: number}>};
    expect(body.totals.checkout).toMatchObject({rendered: 1, added: 1});
    expect(body.totals.thank_you).toMatchObject({clicked: 1});
  });

  it('still takes the admin session token form (dest as a URL) on /api', async () => {
    const res = await fetch(`${app.url}/api/status`, {headers: {Authorization: `Bearer ${await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret})}`}});
    expect(res.status).toBe(200);
  });
});

describe('attribution of an order line added in checkout or from a thank-you or order status link', () => {
  it.each([
    ['checkout:7000000000001', {block: 'checkout', anchor: 7000000000001}],
    ['checkout:', {block: 'checkout', anchor: null}],
    ['thank_you:1', {block: 'thank_you', anchor: 1}],
    ['order_status:', {block: 'order_status', anchor: null}],
    ['thank-you:1', null],
  ])('%s', (value, expected) => {
    expect(parseAttribution(value)).toEqual(expected);
  });
});
