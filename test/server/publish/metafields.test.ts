import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../../devkit/store-generator';
import {curationRepo} from '../../../storage/repos/curation';
import {metafieldStateRepo} from '../../../storage/repos/metafield-state';
import {modelWriter} from '../../../storage/repos/model-writer';
import type {ModelPairRow} from '../../../storage/repos/model-writer';
import {productsRepo} from '../../../storage/repos/products';
import {publishMetafields} from '../../../server/publish/metafields';
import {companionsFor} from '../../../server/recommend/storefront';
import {parseShopDomain} from '../../../storage/shop-domain';
import {productFromWebhook} from '../../../server/webhooks/products';
import {startInstalledApp} from '../../../devkit/installed-app';
import type {InstalledApp} from '../../../devkit/installed-app';
import type {TestApp} from '../../../devkit/test-app';
import type {ShopifyStandin} from '../../../devkit/shopify-standin';
import {productPayload} from '../../../devkit/webhooks';

// The metafield publisher against the Shopify stand-in (metafieldsSet / metafieldsDelete and cost limits as
// Shopify documents them).

const SHOP = parseShopDomain('publish.myshopify.com')!;
const store = generateStore({seed: 5, orders: 10, products: 90});
const sellable = store.products.filter((p) => p.status === 'active' && p.available && !p.giftCard && Number(p.price) > 0);
const anchors = sellable.slice(0, 60);
let installed: InstalledApp;
let standin: ShopifyStandin;
let app: TestApp;

/** A model where each anchor's companions are the next three sellable products. */
function pairs(): ModelPairRow[] {
  return anchors.flatMap((a, i) =>
    [1, 2, 3].map((k) => ({
      productId: a.id, rank: k, companionId: sellable[(i + k) % sellable.length].id, score: 1 / k, source: 'copurchase',
      count: 10, support: 0.01, confidence: 0.5, lift: 3, jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null,
    })),
  );
}

const gids = (value: string) => (JSON.parse(value) as string[]).map((g) => Number(g.split('/').pop()));
const setCalls = () => standin.requests.filter((r) => r.rootFields?.includes('metafieldsSet'));

beforeAll(async () => {
  installed = await startInstalledApp();
  ({standin, app} = installed);
  await installed.install(SHOP, {products: store.products});
  const db = app.services.shopDbs.get(SHOP);
  db.transaction(() => store.products.forEach((p) => productsRepo(db).upsert(productFromWebhook(productPayload(p)))))();
  modelWriter(db).publish({kind: 'model', backend: null, report: {}, pairs: pairs(), bundles: [], communities: []});
});
afterAll(() => installed?.close());

const db = () => app.services.shopDbs.get(SHOP);

describe('publishMetafields', () => {
  it('resumes after a crash: lists already committed are not sent again', async () => {
    // A publish that died after its first batch: those 25 lists are on Shopify and recorded as published.
    const state = metafieldStateRepo(db());
    const done = anchors.slice(0, 25);
    const first = await publishMetafields(app.services, SHOP, done.map((p) => p.id));
    expect(first.set).toBe(25);
    standin.clearRequests();
    const result = await publishMetafields(app.services, SHOP);
    expect(result).toMatchObject({set: anchors.length - 25, unchanged: 25, deleted: 0});
    expect(state.publishedAfter(0, anchors.length + 1)).toHaveLength(anchors.length);
  });

  it('writes each list as Shopify holds it, best first, in batches of at most 25', async () => {
    const fields = standin.metafields(SHOP).filter((m) => m.key === 'recommendations');
    expect(fields).toHaveLength(anchors.length);
    for (const f of fields) {
      expect(f.type).toBe('list.product_reference');
      expect(f.namespace).toMatch(/^app--\d+$/);
      const expected = companionsFor(db(), await app.services.models.get(SHOP, db()), [f.productId], {limit: 10, block: 'fbt'}).map((c) => c.id);
      expect(gids(f.value)).toEqual(expected);
    }
    const calls = setCalls();
    expect(calls.length).toBe(2);
    for (const c of calls) expect((c.variables?.metafields as unknown[]).length).toBeLessThanOrEqual(25);
  });

  it('sends nothing when nothing changed', async () => {
    standin.clearRequests();
    expect(await publishMetafields(app.services, SHOP)).toMatchObject({set: 0, deleted: 0});
    expect(setCalls()).toHaveLength(0);
  });

  it('every list (a settings change): a product the model gives no companion gets one when the merchant pinned to it', async () => {
    // sellable beyond the anchors have no model list: only the pin gives this one a list.
    const lonely = sellable[anchors.length + 5].id;
    const companion = sellable[anchors.length + 6].id;
    curationRepo(db()).setPins(lonely, [companion]);
    standin.clearRequests();
    expect(await publishMetafields(app.services, SHOP)).toMatchObject({set: 1, deleted: 0});
    expect(gids(standin.metafields(SHOP).find((m) => m.productId === lonely && m.key === 'recommendations')!.value)).toEqual([companion]);
    curationRepo(db()).setPins(lonely, []);
    expect(await publishMetafields(app.services, SHOP)).toMatchObject({set: 0, deleted: 1});
  });

  it('applies a pin and deletes the list of a product that lost every companion', async () => {
    const [a, b] = anchors;
    const pinned = sellable[sellable.length - 1].id;
    curationRepo(db()).setPins(a.id, [pinned]);
    for (const id of gids(standin.metafields(SHOP).find((m) => m.productId === b.id && m.key === 'recommendations')!.value)) curationRepo(db()).excludePair(b.id, id);
    const result = await publishMetafields(app.services, SHOP, [a.id, b.id]);
    expect(result).toMatchObject({set: 1, deleted: 1});
    expect(gids(standin.metafields(SHOP).find((m) => m.productId === a.id && m.key === 'recommendations')!.value)[0]).toBe(pinned);
    expect(standin.metafields(SHOP).find((m) => m.productId === b.id && m.key === 'recommendations')).toBeUndefined();
  });

  it('waits out an empty cost bucket instead of failing (THROTTLED, then retry)', async () => {
    curationRepo(db()).setPins(anchors[5].id, [sellable[sellable.length - 2].id]);
    curationRepo(db()).setPins(anchors[40].id, [sellable[sellable.length - 2].id]);
    standin.setBucket(SHOP, {maximumAvailable: 100, restoreRate: 200, currentlyAvailable: 0});
    standin.clearRequests();
    const result = await publishMetafields(app.services, SHOP, [anchors[5].id, anchors[40].id]);
    expect(result.set).toBe(2);
    expect(standin.requests.some((r) => r.throttled)).toBe(true);
  });
});
