import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {offlineSession} from '../../../server/auth/offline-session';
import {activateWebPixel} from '../../../server/publish/web-pixel';
import {parseShopDomain} from '../../../storage/shop-domain';
import {startInstalledApp} from '../../../devkit/installed-app';
import type {InstalledApp} from '../../../devkit/installed-app';
import type {TestApp} from '../../../devkit/test-app';
import type {ShopifyStandin} from '../../../devkit/shopify-standin';

// On install the app activates its web pixel with webPixelCreate, and on a re-install (the shop still has the
// pixel: TAKEN) updates it with webPixelUpdate, against the stand-in, which validates the settings against
// extensions/pairwise-pixel/shopify.extension.toml and answers the documented userErrors.

const SHOP = parseShopDomain('pixel-install.myshopify.com')!;
let installed: InstalledApp;
let standin: ShopifyStandin;
let app: TestApp;

beforeAll(async () => {
  installed = await startInstalledApp({app: {onInstalled: () => {}}});
  ({standin, app} = installed);
  await installed.install(SHOP);
});
afterAll(() => installed?.close());

const graphql = async (query: string, variables: Record<string, unknown>) => {
  const client = new app.services.shopify.clients.Graphql({session: await offlineSession(app.services, SHOP)});
  return (await client.request<Record<string, {webPixel: unknown; userErrors: {code: string; field: string[]}[]}>>(query, {variables})).data!;
};
const CREATE = 'mutation ($s: JSON) { webPixelCreate(webPixel: {settings: $s}) { webPixel { id } userErrors { code field message } } }';
const UPDATE = 'mutation ($id: ID!, $s: JSON) { webPixelUpdate(id: $id, webPixel: {settings: $s}) { webPixel { id } userErrors { code field message } } }';

describe('the web pixel on install', () => {
  it('is created with the app proxy path, and a re-install updates the same pixel', async () => {
    const id = await activateWebPixel(app.services, SHOP);
    expect(id).toMatch(/^gid:\/\/shopify\/WebPixel\/\d+$/);
    expect(standin.webPixelSettings(SHOP)).toEqual({proxyPath: '/apps/pairwise'});
    expect(await activateWebPixel(app.services, SHOP)).toBe(id);
    expect((await graphql(CREATE, {s: JSON.stringify({proxyPath: '/apps/other'})})).webPixelCreate.userErrors).toEqual([
      expect.objectContaining({code: 'TAKEN'}),
    ]);
  });

  it.each([
    ['settings that are not JSON', '{proxyPath', 'INVALID_CONFIGURATION_JSON'],
    ['a setting the extension does not define', JSON.stringify({proxyPath: '/apps/pairwise', accountID: '1'}), 'INVALID_SETTINGS'],
    ['a missing setting', JSON.stringify({}), 'INVALID_SETTINGS'],
    ['a value shorter than its min validation', JSON.stringify({proxyPath: '/'}), 'INVALID_SETTINGS'],
  ])('webPixelUpdate refuses %s with %s', async (_case, settings, code) => {
    const id = await activateWebPixel(app.services, SHOP);
    const answer = (await graphql(UPDATE, {id, s: settings})).webPixelUpdate;
    expect(answer).toEqual({webPixel: null, userErrors: [expect.objectContaining({code, field: ['webPixel', 'settings']})]});
    expect(standin.webPixelSettings(SHOP)).toEqual({proxyPath: '/apps/pairwise'});
  });

  it('webPixelUpdate of an unknown pixel is NOT_FOUND', async () => {
    const answer = (await graphql(UPDATE, {id: 'gid://shopify/WebPixel/1', s: JSON.stringify({proxyPath: '/apps/pairwise'})})).webPixelUpdate;
    expect(answer.userErrors).toEqual([expect.objectContaining({code: 'NOT_FOUND'})]);
  });
});
