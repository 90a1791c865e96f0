import {createHash} from 'node:crypto';
import type {Session} from '@shopify/shopify-api';
import {offlineSession} from '../auth/offline-session';
import type {Services} from '../services';
import {metafieldStateRepo} from '../../storage/repos/metafield-state';
import {curationRepo} from '../../storage/repos/curation';
import {settingsRepo} from '../../storage/repos/settings';
import {companionsFrom, shopFacts} from '../recommend/storefront';
import type {ShopDomain} from '../../storage/shop-domain';
import {PublishError} from '../../domain/errors';
import {CART_MODEL_KEY, cartModelValue} from './cart-model-value';

// Writes each product's `$app.recommendations` (list.product_reference), the storefront's first paint, and its
// `$app.cart_model` (json, cart-model-value.ts), what the checkout UI extension scores a checkout's lines with.
// https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet (at most 25 per call) and
// .../mutations/metafieldsDelete; rate limits: https://shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits

/**
 * The app-reserved namespace itself (`app--<app id>` on the store), the one shopify.app.toml's
 * `[product.metafields.app.recommendations]` defines: https://shopify.dev/docs/apps/build/custom-data/ownership
 */
export const METAFIELD_NAMESPACE = '$app';
export const METAFIELD_KEY = 'recommendations';
/** The block shows at most this many; the list holds a few spare for sold-out companions. */
export const METAFIELD_LIST_LENGTH = 10;
const BATCH = 25;

const SET = `mutation SetRecommendations($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message code } }
}`;
const DELETE = `mutation DeleteRecommendations($metafields: [MetafieldIdentifierInput!]!) {
  metafieldsDelete(metafields: $metafields) { deletedMetafields { ownerId } userErrors { field message } }
}`;

interface Cost {
  requestedQueryCost?: number;
  throttleStatus?: {maximumAvailable: number; currentlyAvailable: number; restoreRate: number};
}

const gid = (id: number) => `gid://shopify/Product/${id}`;
const valueHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
const listHash = (ids: number[]) => (ids.length ? valueHash(ids.join(',')) : '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PublishResult {
  set: number;
  deleted: number;
  unchanged: number;
}

/** What publishing needs: the shop's file, its model, and the Shopify client with the shop's offline session. */
export type PublishDeps = Pick<Services, 'config' | 'appDb' | 'shopDbs' | 'shopify' | 'log' | 'models'>;

/** Per shop: the publish running now, and the one waiting behind it with every product asked for meanwhile. */
type Waiting = {ids: Set<number> | 'all'; result: Promise<PublishResult>};
const queues = new Map<ShopDomain, {running: Promise<PublishResult>; waiting?: Waiting}>();

/**
 * Publishes the lists of `productIds` (default: every product that has or had one, or may have one now) whose content changed
 * since the last publish. State is committed per batch, so after a crash a rerun sends only what is left.
 * One publish per shop at a time, each seeing the state the previous one committed, so none sends twice; the
 * requests that arrive while one runs are merged into the single one that follows it (a merchant saving
 * settings ten times recomputes the lists twice, not ten times: measured, unmerged saves queued a full
 * recompute each, 17 s apiece on a 50k-product shop).
 */
export function publishMetafields(ctx: PublishDeps, shop: ShopDomain, productIds?: number[]): Promise<PublishResult> {
  const queue = queues.get(shop);
  if (!queue) {
    const running = publish(ctx, shop, productIds);
    queues.set(shop, {running});
    void running.finally(() => next(shop)).catch(() => undefined);
    return running;
  }
  if (queue.waiting) {
    const waiting = queue.waiting;
    if (!productIds) waiting.ids = 'all';
    else if (waiting.ids !== 'all') for (const id of productIds) waiting.ids.add(id);
    return waiting.result;
  }
  const waiting: Waiting = {ids: productIds ? new Set(productIds) : 'all', result: Promise.resolve() as unknown as Promise<PublishResult>};
  // Runs after the current one, with whatever ids were merged into `waiting` by then.
  waiting.result = queue.running.catch(() => undefined).then(() => publish(ctx, shop, waiting.ids === 'all' ? undefined : [...waiting.ids]));
  queue.waiting = waiting;
  return waiting.result;
}

/** The running publish ended: the waiting one (if any) becomes the running one. */
function next(shop: ShopDomain): void {
  const queue = queues.get(shop);
  if (!queue?.waiting) {
    queues.delete(shop);
    return;
  }
  const running = queue.waiting.result;
  queues.set(shop, {running});
  void running.finally(() => next(shop)).catch(() => undefined);
}

/**
 * Work done between two turns of the event loop. Counted in time, not lists: a list's cost varies with the
 * shop (100 lists were 25 ms on a 50k-product shop, above the 20 ms another shop's storefront request may wait).
 */
const SLICE_MS = 4;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function publish(ctx: PublishDeps, shop: ShopDomain, productIds?: number[]): Promise<PublishResult> {
  const db = ctx.shopDbs.get(shop);
  const state = metafieldStateRepo(db);
  // Fresh: a publish follows a training, and must not push the lists of the version before it.
  const snapshot = await ctx.models.get(shop, db, {fresh: true});
  // Every list: the products the model gives companions or cart weights, those the merchant pinned to (a promoted
  // bundle pins its members to each other), and those published before (a list that is now empty is deleted).
  const ids = productIds ?? [...new Set([
    ...snapshot.companions.keys(), ...snapshot.cart.keys(), ...curationRepo(db).pinnedProducts(),
    ...(settingsRepo(db).get().promotedBundle ?? []), ...state.publishedProductIds(),
  ])];

  const changed: Change[] = [];
  let unchanged = 0;
  let facts = shopFacts(db);
  let sliceStart = performance.now();
  for (const productId of ids) {
    // A settings change touches every list: 20k products took 5-6 s in one go, during which no other shop's
    // webhook or storefront request was served. In slices, the event loop turns between them; the facts read
    // for one slice are not trusted across the turn (a webhook may change a product meanwhile).
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToLoop();
      facts = shopFacts(db);
      sliceStart = performance.now();
    }
    const companions = companionsFrom(facts, snapshot, [productId], {limit: METAFIELD_LIST_LENGTH, block: 'fbt'}).map((c) => c.id);
    const cartValue = cartModelValue(facts, snapshot, productId);
    const change = productChange(productId, state.hash(productId), companions, cartValue && JSON.stringify(cartValue));
    if (change) changed.push(change);
    else unchanged += 1;
  }

  const session = await offlineSession(ctx, shop);
  const throttle = new Throttle();
  for (const batch of batches(changed)) {
    const toSet = batch.flatMap((c) => c.set);
    const toDelete = batch.flatMap((c) => c.delete);
    if (toSet.length) await graphql(ctx, session, throttle, SET, {metafields: toSet}, 'metafieldsSet');
    if (toDelete.length) await graphql(ctx, session, throttle, DELETE, {metafields: toDelete}, 'metafieldsDelete');
    state.record(batch.map((c) => ({productId: c.productId, hash: c.hash})));
  }
  const deleted = changed.filter((c) => c.hash === '').length;
  const set = changed.length - deleted;
  ctx.log('info', 'metafields published', {shop, set, deleted, unchanged});
  return {set, deleted, unchanged};
}

interface MetafieldInput {
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}
type MetafieldIdentifier = Pick<MetafieldInput, 'ownerId' | 'namespace' | 'key'>;

/** One product's metafields to write and to remove, and the state hash to record once Shopify has them. */
interface Change {
  productId: number;
  hash: string;
  set: MetafieldInput[];
  delete: MetafieldIdentifier[];
}

/**
 * What changed in a product's two metafields since the last publish, or null when neither did. The recorded
 * hash is the list's, followed by `|` and the cart-model value's when there is one (a state written before the
 * cart model was published reads as a list with no cart value), so each half is sent only when it changed.
 */
function productChange(productId: number, before: string | undefined, companions: number[], cartJson: string | null): Change | null {
  const [listBefore = '', cartBefore = ''] = (before ?? '').split('|');
  const list = listHash(companions);
  const cart = cartJson === null ? '' : valueHash(cartJson);
  if (list === listBefore && cart === cartBefore) return null;
  const change: Change = {productId, hash: cart ? `${list}|${cart}` : list, set: [], delete: []};
  const ownerId = gid(productId);
  if (list !== listBefore) {
    const id = {ownerId, namespace: METAFIELD_NAMESPACE, key: METAFIELD_KEY};
    if (list) change.set.push({...id, type: 'list.product_reference', value: JSON.stringify(companions.map(gid))});
    else change.delete.push(id);
  }
  if (cart !== cartBefore) {
    const id = {ownerId, namespace: METAFIELD_NAMESPACE, key: CART_MODEL_KEY};
    if (cartJson !== null) change.set.push({...id, type: 'json', value: cartJson});
    else change.delete.push(id);
  }
  return change;
}

/** Changes grouped so that no call carries more than BATCH metafields (Shopify's limit for metafieldsSet). */
function* batches(changes: Change[]): Generator<Change[]> {
  let batch: Change[] = [];
  let sets = 0;
  let deletes = 0;
  for (const c of changes) {
    if (batch.length && (sets + c.set.length > BATCH || deletes + c.delete.length > BATCH)) {
      yield batch;
      batch = [];
      sets = deletes = 0;
    }
    batch.push(c);
    sets += c.set.length;
    deletes += c.delete.length;
  }
  if (batch.length) yield batch;
}

/** Waits, before each call, until the cost bucket Shopify last reported holds enough for it. */
class Throttle {
  private available = Infinity;
  private restoreRate = 50;
  private at = Date.now();

  async before(cost: number): Promise<void> {
    const now = this.available + ((Date.now() - this.at) / 1000) * this.restoreRate;
    if (now < cost) await sleep(Math.ceil(((cost - now) / this.restoreRate) * 1000));
  }

  update(c: Cost | undefined): void {
    if (!c?.throttleStatus) return;
    this.available = c.throttleStatus.currentlyAvailable;
    this.restoreRate = c.throttleStatus.restoreRate;
    this.at = Date.now();
  }
}

async function graphql(
  ctx: Pick<Services, 'shopify' | 'log'>,
  session: Session,
  throttle: Throttle,
  query: string,
  variables: Record<string, unknown>,
  field: string,
): Promise<void> {
  const client = new ctx.shopify.clients.Graphql({session});
  let cost = 10 + BATCH;
  for (let attempt = 0; attempt < 6; attempt++) {
    await throttle.before(cost);
    let res: {data?: Record<string, {userErrors: {message: string}[]}>; extensions?: {cost?: Cost}};
    try {
      const response = await client.request<Record<string, {userErrors: {message: string}[]}>>(query, {variables});
      res = {data: response.data, extensions: response.extensions as {cost?: Cost} | undefined};
    } catch (err) {
      // The client throws on GraphQL errors; THROTTLED carries the bucket in its response extensions.
      const body = (err as {body?: {errors?: {graphQLErrors?: {extensions?: {code?: string}}[]}; extensions?: {cost?: Cost}}}).body;
      const throttled = body?.errors?.graphQLErrors?.some((e) => e.extensions?.code === 'THROTTLED');
      if (!throttled) throw err;
      throttle.update(body?.extensions?.cost);
      cost = body?.extensions?.cost?.requestedQueryCost ?? cost;
      ctx.log('info', 'throttled by Shopify, waiting', {field});
      continue;
    }
    throttle.update(res.extensions?.cost);
    const errors = res.data?.[field]?.userErrors ?? [];
    if (errors.length) throw new PublishError(`${field}: ${errors.map((e) => e.message).join('; ')}`);
    return;
  }
  throw new PublishError(`${field}: still throttled after 6 attempts`);
}
