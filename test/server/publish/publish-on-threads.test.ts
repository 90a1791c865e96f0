import {rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../../devkit/store-generator';
import {signProxyQuery} from '../../../devkit/storefront/sign';
import {startInstalledApp} from '../../../devkit/installed-app';
import type {InstalledApp} from '../../../devkit/installed-app';
import type {TestApp} from '../../../devkit/test-app';
import type {ShopifyStandin} from '../../../devkit/shopify-standin';
import {productPayload} from '../../../devkit/webhooks';
import {cartModelValue} from '../../../server/publish/cart-model-value';
import {publishMetafields} from '../../../server/publish/metafields';
import {ModelCache} from '../../../server/recommend/model-cache';
import type {ModelReader} from '../../../server/recommend/model-cache';
import {companionsFor, shopFacts} from '../../../server/recommend/storefront';
import {productFromWebhook} from '../../../server/webhooks/products';
import {curationRepo} from '../../../storage/repos/curation';
import {modelWriter} from '../../../storage/repos/model-writer';
import type {ModelPairRow} from '../../../storage/repos/model-writer';
import {activeModelVersion, modelCartPage, modelCompanionPage} from '../../../storage/repos/model-serving';
import {productsRepo} from '../../../storage/repos/products';
import {settingsRepo} from '../../../storage/repos/settings';
import {shopsRepo} from '../../../storage/repos/shops';
import {parseShopDomain} from '../../../storage/shop-domain';
import {call} from '../api/harness';

// The metafield publish works its lists out on the read threads ([T] round 4), never on the event loop: a settings
// save's republish of a 1,500-product shop, against the Shopify stand-in, with read threads that hold every read
// while a file exists (test/server/reads/held-read-thread.mjs).

const SHOP = parseShopDomain('publish-threads.myshopify.com')!;
const OTHER = parseShopDomain('publish-threads-other.myshopify.com')!;
const HELD = new URL('../reads/held-read-thread.mjs', import.meta.url);
const store = generateStore({seed: 17, orders: 10, products: 1500});
const sellable = store.products.filter((p) => p.status === 'active' && p.available && !p.giftCard && Number(p.price) > 0);
let installed: InstalledApp;
let standin: ShopifyStandin;
let app: TestApp;

/** A model where each product's companions are six others (spaced by `round`), and half the products give cart weights (the same half in rounds 1 and 3). */
function model(round: number) {
  const ids = store.products.map((p) => p.id);
  const pairs: ModelPairRow[] = ids.flatMap((id, i) =>
    [1, 2, 3, 4, 5, 6].map((k) => ({
      productId: id, rank: k, companionId: ids[(i + k * (round + 1)) % ids.length], score: 1 / k + ((i * k) % 7) / 100, source: 'copurchase',
      count: 10, support: 0.01, confidence: 0.05 + ((i + k) % 10) / 20, lift: 1 + ((i * 3 + k) % 5), jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null,
    })),
  );
  const cart = ids.filter((_, i) => i % 2 === round % 2).flatMap((id, i) =>
    [2, 5, 11].map((k) => ({productId: id, companionId: ids[(i * 3 + k) % ids.length], weight: ((i + k) % 9) / 7 - 0.3})),
  );
  return {kind: 'model' as const, backend: null, report: {}, pairs, bundles: [], communities: [], cart};
}

const db = () => app.services.shopDbs.get(SHOP);
const hold = () => writeFileSync(join(app.dataDir, 'hold-reads'), '');
const release = () => rmSync(join(app.dataDir, 'hold-reads'), {force: true});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Calls that wrote or deleted products' metafields (a first settings save also writes the shop's app-data metafield). */
const metafieldCalls = () =>
  standin.requests.filter((r) => (r.variables?.metafields as {ownerId?: string}[] | undefined)?.some((m) => m.ownerId?.startsWith('gid://shopify/Product/')));

/**
 * What each product's two metafields must hold, byte for byte: worked out as the publisher did on the event loop
 * before [T] round 4, from a snapshot of the active version loaded whole (the storefront's ModelCache, read inline).
 */
async function expected(): Promise<Map<string, string>> {
  const reader: ModelReader = {
    activeVersion: activeModelVersion,
    companionPage: (_shop, d, version, after, limit) => modelCompanionPage(d, version, after, limit),
    cartPage: (_shop, d, version, after, limit) => modelCartPage(d, version, after, limit),
    rowsPerPage: 5000,
  };
  const snapshot = await new ModelCache(reader, 256 * 1024 * 1024).get(SHOP, db());
  const facts = shopFacts(db());
  const out = new Map<string, string>();
  for (const p of store.products) {
    const list = companionsFor(db(), snapshot, [p.id], {limit: 10, block: 'fbt'}).map((c) => `gid://shopify/Product/${c.id}`);
    if (list.length) out.set(`${p.id} recommendations`, JSON.stringify(list));
    const cart = cartModelValue(facts, snapshot, p.id);
    if (cart) out.set(`${p.id} cart_model`, JSON.stringify(cart));
  }
  return out;
}

const held = () => new Map(standin.metafields(SHOP).map((m) => [`${m.productId} ${m.key}`, m.value]));

/** Waits for the next 'metafields published' log line after `from` lines (the republish a save started runs in the background). */
async function published(from: number): Promise<void> {
  const end = Date.now() + 60_000;
  while (!app.logs.slice(from).some((l) => l.msg === 'metafields published' || l.msg === 'metafield republish failed') && Date.now() < end) await sleep(25);
  expect(app.logs.slice(from).find((l) => l.msg === 'metafield republish failed')).toBeUndefined();
}

beforeAll(async () => {
  installed = await startInstalledApp({app: {onInstalled: () => {}, readThreads: {entry: HELD, threads: 2}}});
  ({standin, app} = installed);
  await installed.install(SHOP, {products: store.products});
  shopsRepo(app.services.appDb).recordInstall(OTHER, 'read_orders');
  db().transaction(() => store.products.forEach((p) => productsRepo(db()).upsert(productFromWebhook(productPayload(p)))))();
  // The merchant's own hand in the lists: pins, a pair exclusion, an excluded product, a promoted bundle.
  curationRepo(db()).setPins(sellable[3].id, [sellable[900].id, sellable[901].id]);
  curationRepo(db()).excludePair(sellable[10].id, store.products[store.products.indexOf(sellable[10]) + 1].id);
  curationRepo(db()).excludeProduct(sellable[20].id);
  settingsRepo(db()).update({promotedBundle: [sellable[30].id, sellable[31].id], minConfidence: 0.2});
  modelWriter(db()).publish(model(0));
  // The storefront holds the model already, as in a live shop: an inline computation would need no read thread.
  await app.services.models.get(SHOP, db(), {fresh: true});
}, 120_000);
afterEach(release);
afterAll(() => installed?.close());

describe('a settings save republishes every list from the read threads', () => {
  it('works nothing out on the event loop: with the read threads held nothing reaches Shopify while another shop is answered; once released every list is sent', async () => {
    const from = app.logs.length;
    hold();
    const save = await call(app, SHOP, 'PUT', '/api/settings', {excludeTags: ['not-a-tag-of-this-shop']});
    expect(save.status).toBe(200);
    // The event loop turns meanwhile: another shop's storefront request is answered.
    const query = signProxyQuery(new URLSearchParams({products: '1'}), {shop: OTHER, secret: app.secret, pathPrefix: '/apps/pairwise'});
    expect((await fetch(`${app.url}/proxy/recommendations?${query}`)).status).toBe(200);
    // Worked out on the loop from the storefront's snapshot, the lists would be on Shopify within this wait.
    await sleep(1500);
    expect(metafieldCalls()).toHaveLength(0);
    release();
    await published(from);
    expect(metafieldCalls().length).toBeGreaterThan(0);
  }, 90_000);

  it('sends each product the same two metafields, byte for byte, as the inline computation from a whole snapshot did', async () => {
    const want = await expected();
    expect(want.size).toBeGreaterThan(1500);
    expect([...want.keys()].some((k) => k.endsWith('cart_model'))).toBe(true);
    expect(held()).toEqual(want);
  });
});

describe("a publish beside the shop's own reads", () => {
  it("waits its turn when the shop's read queue is full (ReadsBusy), rather than fail", async () => {
    hold();
    // One search running (held) and 32 waiting: the shop's queue is full, and the publish's first step is refused.
    const searches = Array.from({length: 33}, () => app.services.reads.run(SHOP, 'productSearch', 'a', 1, 0));
    const publishing = publishMetafields(app.services, SHOP);
    await sleep(300);
    release();
    await Promise.all(searches);
    await expect(publishing).resolves.toMatchObject({set: 0, deleted: 0});
  }, 90_000);
});

describe('the version a publish sends', () => {
  it('is the one just published, though the storefront still holds the one before', async () => {
    await app.services.models.get(SHOP, db(), {fresh: true});
    modelWriter(db()).publish(model(1));
    await publishMetafields(app.services, SHOP);
    expect(held()).toEqual(await expected());
  }, 90_000);

  it('starts over on the newest when its own was replaced twice meanwhile (its rows deleted), rather than send lists worked out from nothing', async () => {
    hold();
    const publishing = publishMetafields(app.services, SHOP);
    await sleep(200);
    modelWriter(db()).publish(model(2));
    modelWriter(db()).publish(model(3));
    release();
    await publishing;
    expect(held()).toEqual(await expected());
  }, 90_000);

  it('fails with ShopGone when the shop file is removed under it, as on the event loop', async () => {
    hold();
    const publishing = publishMetafields(app.services, SHOP).catch((err: Error) => err.name);
    await sleep(200);
    app.services.shopDbs.remove(SHOP);
    release();
    expect(await publishing).toBe('ShopGone');
  }, 90_000);
});
