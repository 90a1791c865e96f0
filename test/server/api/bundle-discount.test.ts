import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DEFAULT_BUNDLE_DISCOUNT} from '../../../domain/bundle-discount';
import {sessionToken} from '../../../devkit/session-token';
import {ShopifyStandin} from '../../../devkit/shopify-standin';
import {startTestApp} from '../../../devkit/test-app';
import type {TestApp} from '../../../devkit/test-app';
import {parseShopDomain} from '../../../storage/shop-domain';

// The Settings card's API: real HTTP to the app, which talks GraphQL to the stand-in's discount mutations
// (discountAutomaticAppCreate/Update, Activate/Deactivate, automaticDiscountNode) with the shop's offline token.

const SHOP = parseShopDomain('discounts.myshopify.com')!;
let standin: ShopifyStandin;
let shopState: ReturnType<ShopifyStandin['addShop']>;
let app: TestApp;
let apiKey: string;
let secret: string;

beforeAll(async () => {
  apiKey = `key-${randomBytes(4).toString('hex')}`;
  secret = randomBytes(16).toString('hex');
  standin = await ShopifyStandin.start({apiKey, apiSecret: secret});
  shopState = standin.addShop(SHOP, {});
  app = await startTestApp({adminOrigin: standin.origin, apiKey, secret});
});
afterAll(async () => {
  await app?.close();
  await standin?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON under test
async function api(method: string, body?: unknown): Promise<{status: number; body: any}> {
  const res = await fetch(`${app.url}/api/bundle-discount`, {
    method,
    headers: {Authorization: `Bearer ${await sessionToken({shop: SHOP, apiKey, secret})}`, 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {status: res.status, body: await res.json()};
}

const on = {...DEFAULT_BUNDLE_DISCOUNT, enabled: true, percentage: 15, message: 'Together: 15% off'};

describe('/api/bundle-discount', () => {
  it('starts with no discount', async () => {
    expect(await api('GET')).toEqual({status: 200, body: {settings: DEFAULT_BUNDLE_DISCOUNT, status: 'none', discountId: null}});
  });

  it.each([
    ['percentage 0', {percentage: 0}, 'percentage'],
    ['percentage 51', {percentage: 51}, 'percentage'],
    ['percentage 10.5', {percentage: 10.5}, 'percentage'],
    ['an unknown scope', {scope: 'order'}, 'scope'],
    ['minimum 1', {minimumItems: 1}, 'minimumItems'],
    ['an empty message', {message: '  '}, 'message'],
  ])('refuses %s with a field error and creates nothing', async (_name, change, field) => {
    const res = await api('PUT', {...on, ...change});
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual([field]);
    expect(standin.appDiscounts(SHOP)).toEqual([]);
  });

  it('on: creates one automatic app discount with the function and its configuration metafield', async () => {
    const res = await api('PUT', on);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({status: 'active', discountId: expect.stringMatching(/^gid:\/\/shopify\/DiscountAutomaticNode\/\d+$/)});
    expect(standin.appDiscounts(SHOP)).toEqual([expect.objectContaining({
      status: 'ACTIVE', functionHandle: 'pairwise-bundle-discount', discountClasses: ['PRODUCT'],
      combinesWith: on.combinesWith, configuration: {percentage: 15, scope: 'companions', minimumItems: 2, message: 'Together: 15% off'},
    })]);
  });

  it('tells the blocks through the app-data metafield pairwise.bundle_discount', async () => {
    const field = () => JSON.parse([...shopState.appMetafields.values()].find((m) => m.namespace === 'pairwise' && m.key === 'bundle_discount')!.value);
    expect(field()).toEqual({active: true, percentage: 15, scope: 'companions', minimumItems: 2, message: 'Together: 15% off'});
    await api('PUT', {...on, enabled: false});
    expect(field().active).toBe(false);
    await api('PUT', on);
    expect(field().active).toBe(true);
  });

  it('a second save updates the same discount', async () => {
    const res = await api('PUT', {...on, percentage: 20, scope: 'bundle'});
    expect(res.body.status).toBe('active');
    const discounts = standin.appDiscounts(SHOP);
    expect(discounts).toHaveLength(1);
    expect(discounts[0].configuration).toMatchObject({percentage: 20, scope: 'bundle'});
  });

  it('off deactivates it; on again re-activates the same one', async () => {
    const off = await api('PUT', {...on, enabled: false});
    expect(off.body.status).toBe('expired');
    expect(standin.appDiscounts(SHOP)[0].status).toBe('EXPIRED');
    const again = await api('PUT', on);
    expect(again.body).toMatchObject({status: 'active', discountId: off.body.discountId});
    expect(standin.appDiscounts(SHOP)).toHaveLength(1);
  });

  it('shows "deleted" when the merchant deleted it in Shopify, and saving recreates it', async () => {
    const before = (await api('GET')).body.discountId as string;
    standin.deleteDiscount(SHOP, Number(before.split('/').pop()));
    expect((await api('GET')).body.status).toBe('deleted');
    const recreated = await api('PUT', on);
    expect(recreated.body.status).toBe('active');
    expect(recreated.body.discountId).not.toBe(before);
  });
});
