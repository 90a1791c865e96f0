import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {publishMetafields} from '../../../server/publish/metafields';
import {productFromWebhook} from '../../../server/webhooks/products';
import {modelWriter} from '../../../storage/repos/model-writer';
import type {ModelPairRow} from '../../../storage/repos/model-writer';
import {productsRepo} from '../../../storage/repos/products';
import {settingsRepo} from '../../../storage/repos/settings';
import {parseShopDomain} from '../../../storage/shop-domain';
import type {Settings} from '../../../domain/settings';
import type {StoreProduct} from '../../../devkit/store-generator';
import {sessionToken} from '../../../devkit/session-token';
import type {ShopifyStandin} from '../../../devkit/shopify-standin';
import {signProxyQuery} from '../../../devkit/storefront/sign';
import {startInstalledApp} from '../../../devkit/installed-app';
import type {InstalledApp} from '../../../devkit/installed-app';
import type {TestApp} from '../../../devkit/test-app';
import {productPayload} from '../../../devkit/webhooks';

// What decides whether a shopper may see a product (server/recommend/companions.ts `unshowableReason`), driven
// through the three real paths that apply it: the app proxy (the cart upsell's refresh), the metafield
// publisher (the product block's first paint, written to the Shopify stand-in) and the admin's block preview.
// Each rule has its own anchor with two companions: the one that breaks the rule, ranked first, and a control
// that breaks none, so a path that lost the rule shows the first and one that filters too much loses the second.

const SHOP = parseShopDomain('showability.myshopify.com')!;
/** The cart upsell's cap is upsellPriceRatio (0.5 by default) x the anchor's price: 10 here. */
const ANCHOR_PRICE = '20.00';

type Path = 'proxy' | 'publisher' | 'preview';
interface Rule {
  /** How the first-ranked companion breaks it. */
  product?: Partial<StoreProduct>;
  settings?: Partial<Settings>;
  /** The admin preview's reason for hiding it. */
  reason: string;
  /** The paths whose block the rule applies to (the price cap is the cart upsell's alone). */
  paths: Path[];
}

const ALL: Path[] = ['proxy', 'publisher', 'preview'];
const RULES: Record<string, Rule[]> = {
  'sold out': [{product: {available: false, inventory: 0}, reason: 'unavailable', paths: ALL}],
  'draft or archived': [
    {product: {status: 'draft'}, reason: 'unavailable', paths: ALL},
    {product: {status: 'archived'}, reason: 'unavailable', paths: ALL},
  ],
  'gift card': [{product: {giftCard: true}, reason: 'unavailable', paths: ALL}],
  'no price ($0)': [{product: {price: '0.00'}, reason: 'unavailable', paths: ALL}],
  'excluded tag, type or vendor': [
    {product: {tags: ['sample', 'clearance']}, settings: {excludeTags: ['clearance']}, reason: 'excluded_tag', paths: ALL},
    {product: {productType: 'Samples'}, settings: {excludeTypes: ['Samples']}, reason: 'excluded_type', paths: ALL},
    {product: {vendor: 'Rival Goods'}, settings: {excludeVendors: ['Rival Goods']}, reason: 'excluded_vendor', paths: ALL},
  ],
  'upsell price cap': [{product: {price: '50.00'}, reason: 'over_price_cap', paths: ['proxy']}],
};
const CASES = Object.entries(RULES).flatMap(([rule, cases]) => cases.map((c, i) => ({rule, ...c, n: Object.keys(RULES).indexOf(rule) * 10 + i})));

/** Product ids of case n: its anchor, the companion that breaks the rule, and the control. */
const ids = (n: number) => ({anchor: 9_000_000 + n * 3, breaker: 9_000_001 + n * 3, control: 9_000_002 + n * 3});

function product(id: number, price: string, change: Partial<StoreProduct> = {}): StoreProduct {
  return {
    id, variantId: id + 50_000_000, title: `Product ${id}`, handle: `product-${id}`, productType: 'Goods', vendor: 'Our Brand', tags: ['goods'],
    description: '', price, status: 'active', giftCard: false, inventory: 5, available: true, hasImage: false,
    createdAt: '2026-11-01T10:00:00Z', updatedAt: '2026-11-01T10:00:00Z', ...change,
  };
}

const catalogue = CASES.flatMap((c) => {
  const {anchor, breaker, control} = ids(c.n);
  return [product(anchor, ANCHOR_PRICE), product(breaker, '5.00', c.product), product(control, '5.00')];
});

/** Each anchor's list: the rule breaker first (best score), then the control; both pass the thresholds. */
const pairs: ModelPairRow[] = CASES.flatMap((c) => {
  const {anchor, breaker, control} = ids(c.n);
  return [breaker, control].map((companionId, k) => ({
    productId: anchor, rank: k + 1, companionId, score: 1 / (k + 1), source: 'copurchase',
    count: 10, support: 0.05, confidence: 0.5, lift: 3, jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null,
  }));
});

let installed: InstalledApp;
let standin: ShopifyStandin;
let app: TestApp;

beforeAll(async () => {
  installed = await startInstalledApp({app: {onInstalled: () => {}}});
  ({standin, app} = installed);
  await installed.install(SHOP, {products: catalogue});
  const db = app.services.shopDbs.get(SHOP);
  // A product webhook carries no gift-card flag (the backfill's isGiftCard sets it), so it is given here.
  db.transaction(() => catalogue.forEach((p) => productsRepo(db).upsert({...productFromWebhook(productPayload(p)), giftCard: p.giftCard})))();
  settingsRepo(db).update(Object.assign({}, ...CASES.map((c) => c.settings ?? {})));
  modelWriter(db).publish({kind: 'model', backend: null, report: {}, pairs, bundles: [], communities: []});
  await publishMetafields(app.services, SHOP);
});
afterAll(() => installed?.close());

/** What each path shows for an anchor: companion ids in order, and the preview's hidden reason per companion. */
const shown: Record<Path, (anchor: number) => Promise<{ids: number[]; hidden?: Map<number, string | null>}>> = {
  async proxy(anchor) {
    const query = signProxyQuery(new URLSearchParams({products: String(anchor)}), {shop: SHOP, secret: app.secret, pathPrefix: '/apps/pairwise'});
    const res = await fetch(`${app.url}/proxy/recommendations?${query}`);
    expect(res.status).toBe(200);
    return {ids: ((await res.json()) as {products: {id: number}[]}).products.map((p) => p.id)};
  },
  async publisher(anchor) {
    const field = standin.metafields(SHOP).find((m) => m.productId === anchor && m.key === 'recommendations');
    return {ids: field ? (JSON.parse(field.value) as string[]).map((g) => Number(g.split('/').pop())) : []};
  },
  async preview(anchor) {
    const token = await sessionToken({shop: SHOP, apiKey: app.apiKey, secret: app.secret});
    const res = await fetch(`${app.url}/api/products/${anchor}/recommendations`, {headers: {authorization: `Bearer ${token}`}});
    expect(res.status).toBe(200);
    const companions = ((await res.json()) as {companions: {companionId: number; hidden: string | null}[]}).companions;
    return {ids: companions.filter((c) => c.hidden === null).map((c) => c.companionId), hidden: new Map(companions.map((c) => [c.companionId, c.hidden]))};
  },
};

describe.each(Object.keys(RULES))('a companion a shopper may not see: %s', (rule) => {
  const table = CASES.filter((c) => c.rule === rule).flatMap((c) => ALL.map((path) => ({path, ...c, change: JSON.stringify({...c.product, ...c.settings})})));
  it.each(table)('$path with $change', async ({path, n, reason, paths}) => {
    const {anchor, breaker, control} = ids(n);
    const applies = paths.includes(path);
    const result = await shown[path](anchor);
    expect(result.ids).toEqual(applies ? [control] : [breaker, control]);
    if (result.hidden) expect(result.hidden.get(breaker)).toBe(applies ? reason : null);
  });
});
