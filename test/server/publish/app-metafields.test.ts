import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {experimentPeriodsRepo} from '../../../storage/repos/experiment-periods';
import {parseShopDomain} from '../../../storage/shop-domain';
import {startInstalledApp} from '../../../devkit/installed-app';
import type {InstalledApp} from '../../../devkit/installed-app';
import type {TestApp} from '../../../devkit/test-app';
import {sessionToken} from '../../../devkit/session-token';
import type {ShopState} from '../../../devkit/shopify-standin';

// Saving the holdout share writes the experiment period to the app-data metafield on the app installation
// (currentAppInstallation + metafieldsSet, against the stand-in), and a new share starts a new period.

const SHOP = parseShopDomain('experiment.myshopify.com')!;
let installed: InstalledApp;
let shopState: ShopState;
let app: TestApp;
let token: string;

beforeAll(async () => {
  installed = await startInstalledApp({app: {onInstalled: () => {}}});
  app = installed.app;
  shopState = await installed.install(SHOP);
  token = await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret});
});
afterAll(() => installed?.close());

const saveShare = async (holdoutShare: number) => {
  const res = await fetch(`${app.url}/api/settings`, {
    method: 'PUT',
    headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
    body: JSON.stringify({holdoutShare}),
  });
  expect(res.status).toBe(200);
};
/** What the storefront would read as app.metafields.pairwise.experiment.value, once the background write lands. */
const published = async (period: number) => {
  await expect.poll(() => [...shopState.appMetafields.values()].find((m) => m.namespace === 'pairwise' && m.key === 'experiment')?.value, {timeout: 5000})
    .toContain(`"period":${period}`);
  const record = [...shopState.appMetafields.values()].find((m) => m.namespace === 'pairwise' && m.key === 'experiment')!;
  expect(record.type).toBe('json');
  return JSON.parse(record.value) as {period: number; salt: string; share: number};
};

describe('experiment app-data metafield', () => {
  it('a saved share is published; the same share keeps its period; a new share starts a new one with a new salt', async () => {
    await saveShare(0.2);
    const first = await published(1);
    expect(first).toMatchObject({period: 1, share: 0.2});
    expect(first.salt).toMatch(/^[0-9a-f]{24}$/);

    await saveShare(0.2);
    expect(experimentPeriodsRepo(app.services.shopDbs.get(SHOP)).all()).toHaveLength(1);

    await saveShare(0.3);
    const second = await published(2);
    expect(second).toMatchObject({period: 2, share: 0.3});
    expect(second.salt).not.toBe(first.salt);
    const periods = experimentPeriodsRepo(app.services.shopDbs.get(SHOP)).all();
    expect(periods.map((p) => [p.period, p.share, p.endedAt === null])).toEqual([[1, 0.2, false], [2, 0.3, true]]);
    // No product metafield was written for this: app-data metafields live on the installation.
    expect(shopState.metafields.size).toBe(0);
  });
});
