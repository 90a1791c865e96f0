import type {Session} from '@shopify/shopify-api';
import {offlineSession} from '../auth/offline-session';
import type {Services} from '../services';
import {metafieldStateRepo} from '../../storage/repos/metafield-state';
import {activeModelVersion} from '../../storage/repos/model-serving';
import type {ShopDomain} from '../../storage/shop-domain';
import {PublishError, ReadsBusy} from '../../domain/errors';
import {STEP_PRODUCTS} from '../reads/publish-changes';
import type {PublishStep, StepFrom} from '../reads/publish-changes';
import {CART_MODEL_KEY} from './cart-model-value';
import {productGid} from './product-change';
import type {ProductChange} from './product-change';

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PublishResult {
  set: number;
  deleted: number;
  unchanged: number;
}

/** What publishing needs: the shop's file, its model, and the Shopify client with the shop's offline session. */
export type PublishDeps = Pick<Services, 'config' | 'appDb' | 'shopDbs' | 'shopify' | 'log' | 'models' | 'reads'>;

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

/** Times a step refused because the shop's admin has as many reads waiting as it may (ReadsBusy) is asked again. */
const BUSY_RETRIES = 30;
/** Times a publish starts over because the version it was working through was replaced twice meanwhile. */
const SUPERSEDED_RETRIES = 3;

async function publish(ctx: PublishDeps, shop: ShopDomain, productIds?: number[]): Promise<PublishResult> {
  const db = ctx.shopDbs.get(shop);
  let found: {changes: ProductChange[]; unchanged: number} | null = null;
  for (let attempt = 0; !found; attempt++) {
    if (attempt === SUPERSEDED_RETRIES) throw new PublishError('the model was replaced during every attempt to publish it');
    // Fresh: a publish follows a training, and pushes the version that training published, read from the file
    // now (the storefront's cache may still serve the one before while the new one loads).
    const version = activeModelVersion(db);
    // The storefront's copy learns of it at once too, not within its pointer's TTL.
    ctx.models.refresh(shop, db);
    found = await changes(ctx, shop, version, productIds);
  }
  const {changes: changed, unchanged} = found;

  const state = metafieldStateRepo(db);
  const session = await offlineSession(ctx, shop);
  const throttle = new Throttle();
  for (const batch of batches(changed)) {
    if (batch.set.length) await graphql(ctx, session, throttle, SET, {metafields: batch.set}, 'metafieldsSet');
    if (batch.delete.length) await graphql(ctx, session, throttle, DELETE, {metafields: batch.delete}, 'metafieldsDelete');
    state.record(batch.changes.map((c) => ({productId: c.productId, hash: c.hash})));
  }
  const deleted = changed.filter((c) => c.hash === '').length;
  const set = changed.length - deleted;
  ctx.log('info', 'metafields published', {shop, set, deleted, unchanged});
  return {set, deleted, unchanged};
}

/**
 * What changed in the lists of `productIds` (default: every list the shop has or had, or may have now), worked
 * out on the read threads in steps (server/reads/publish-changes.ts): the event loop only asks for each step and
 * keeps what changed. A settings change touches every list, 5-6 s of work for 20k products, which held every
 * other shop's webhooks and storefront requests until it ran on the loop in 4 ms slices, and still took most of
 * the loop's time beside a heavy merchant. Null when the version was replaced twice meanwhile (its rows are gone).
 */
async function changes(ctx: PublishDeps, shop: ShopDomain, version: number | null, productIds?: number[]): Promise<{changes: ProductChange[]; unchanged: number} | null> {
  const named = productIds && [...new Set(productIds)].sort((a, b) => a - b);
  const changed: ProductChange[] = [];
  let unchanged = 0;
  let done = 0;
  let after = -1;
  for (;;) {
    const from: StepFrom = named ? {ids: named.slice(done, done + STEP_PRODUCTS)} : {after};
    if ('ids' in from && from.ids.length === 0) break;
    const step = await publishStep(ctx, shop, version, from);
    if (step.superseded) return null;
    for (const c of step.changes) changed.push(c);
    unchanged += step.unchanged;
    done += step.count;
    if (step.through !== null) after = step.through;
    if (!named && (step.end || step.through === null)) break;
  }
  return {changes: changed, unchanged};
}

/** One step on a read thread; while the shop's admin has as many reads waiting as it may, the step waits its turn. */
async function publishStep(ctx: Pick<Services, 'reads'>, shop: ShopDomain, version: number | null, from: StepFrom): Promise<PublishStep> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.reads.run(shop, 'publishStep', version, from);
    } catch (err) {
      if (!(err instanceof ReadsBusy) || attempt === BUSY_RETRIES) throw err;
      await sleep(err.retryAfterS * 1000);
    }
  }
}

interface MetafieldInput {
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}
type MetafieldIdentifier = Pick<MetafieldInput, 'ownerId' | 'namespace' | 'key'>;

/** A product's change as Shopify's inputs: the metafields to set and those to delete. */
function metafields(c: ProductChange): {set: MetafieldInput[]; delete: MetafieldIdentifier[]} {
  const out: {set: MetafieldInput[]; delete: MetafieldIdentifier[]} = {set: [], delete: []};
  const ownerId = productGid(c.productId);
  if (c.list !== undefined) {
    const id = {ownerId, namespace: METAFIELD_NAMESPACE, key: METAFIELD_KEY};
    if (c.list !== null) out.set.push({...id, type: 'list.product_reference', value: c.list});
    else out.delete.push(id);
  }
  if (c.cart !== undefined) {
    const id = {ownerId, namespace: METAFIELD_NAMESPACE, key: CART_MODEL_KEY};
    if (c.cart !== null) out.set.push({...id, type: 'json', value: c.cart});
    else out.delete.push(id);
  }
  return out;
}

/** One call's worth of changes: the metafields they set and those they delete. */
interface Batch {
  changes: ProductChange[];
  set: MetafieldInput[];
  delete: MetafieldIdentifier[];
}

/** Changes grouped so that no call carries more than BATCH metafields (Shopify's limit for metafieldsSet). */
function* batches(changes: ProductChange[]): Generator<Batch> {
  let batch: Batch = {changes: [], set: [], delete: []};
  for (const c of changes) {
    const {set, delete: remove} = metafields(c);
    if (batch.changes.length && (batch.set.length + set.length > BATCH || batch.delete.length + remove.length > BATCH)) {
      yield batch;
      batch = {changes: [], set: [], delete: []};
    }
    batch.changes.push(c);
    batch.set.push(...set);
    batch.delete.push(...remove);
  }
  if (batch.changes.length) yield batch;
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
