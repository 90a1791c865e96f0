import type {Shopify} from '@shopify/shopify-api';
import {offlineSession} from '../auth/offline-session';
import type {SessionDeps} from '../auth/offline-session';
import {PublishError} from '../../domain/errors';
import {BUNDLE_DISCOUNT_TITLE} from '../../domain/bundle-discount';
import type {BundleDiscountSettings, BundleDiscountStatus, BundleDiscountView} from '../../domain/bundle-discount';
import type {Db} from '../../storage/open';
import {bundleDiscountRepo} from '../../storage/repos/bundle-discount';
import type {ShopDomain} from '../../storage/shop-domain';

/**
 * The bundle discount on Shopify: one automatic app discount of the app's Discount Function
 * (extensions/bundle-discount, handle `pairwise-bundle-discount`) per shop, whose `$app.function-configuration`
 * JSON metafield carries the merchant's percentage, scope, minimum and message.
 * - discountAutomaticAppCreate / discountAutomaticAppUpdate with DiscountAutomaticAppInput (functionHandle,
 *   discountClasses, combinesWith, metafields): https://shopify.dev/docs/api/admin-graphql/latest/mutations/discountAutomaticAppCreate ,
 *   https://shopify.dev/docs/api/admin-graphql/latest/input-objects/DiscountAutomaticAppInput
 * - discountAutomaticDeactivate turns it off (status EXPIRED), discountAutomaticActivate back on.
 * - automaticDiscountNode gives its status (ACTIVE, SCHEDULED, EXPIRED: https://shopify.dev/docs/api/admin-graphql/2026-07/enums/DiscountStatus),
 *   or null once the merchant deleted it on Shopify's Discounts page.
 * All need the `write_discounts` scope (shopify.app.toml).
 */
export const FUNCTION_HANDLE = 'pairwise-bundle-discount';
export const CONFIGURATION_KEY = 'function-configuration';

const NODE = `query BundleDiscount($id: ID!) {
  automaticDiscountNode(id: $id) { id automaticDiscount { ... on DiscountAutomaticApp { status } } }
}`;
const CREATE = `mutation CreateBundleDiscount($input: DiscountAutomaticAppInput!) {
  discountAutomaticAppCreate(automaticAppDiscount: $input) { automaticAppDiscount { discountId status } userErrors { field message } }
}`;
const UPDATE = `mutation UpdateBundleDiscount($id: ID!, $input: DiscountAutomaticAppInput!) {
  discountAutomaticAppUpdate(id: $id, automaticAppDiscount: $input) { automaticAppDiscount { discountId status } userErrors { field message } }
}`;
const ACTIVATE = `mutation ActivateBundleDiscount($id: ID!) {
  discountAutomaticActivate(id: $id) { userErrors { field message } }
}`;
const DEACTIVATE = `mutation DeactivateBundleDiscount($id: ID!) {
  discountAutomaticDeactivate(id: $id) { userErrors { field message } }
}`;

const INSTALLATION = 'query AppInstallation { currentAppInstallation { id } }';
const SET_APP_METAFIELD = `mutation SetBundleDiscount($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message } }
}`;
/** The app-data metafield the product block reads (`app.metafields.pairwise.bundle_discount`) to show the saving. */
export const BLOCK_NAMESPACE = 'pairwise';
export const BLOCK_KEY = 'bundle_discount';

type Client = InstanceType<Shopify['clients']['Graphql']>;
type ShopifyStatus = 'ACTIVE' | 'SCHEDULED' | 'EXPIRED';

async function statusOf(client: Client, id: string): Promise<ShopifyStatus | null> {
  const res = await client.request<{automaticDiscountNode: {automaticDiscount: {status?: ShopifyStatus}} | null}>(NODE, {variables: {id}});
  return res.data?.automaticDiscountNode?.automaticDiscount.status ?? null;
}

function viewStatus(discountId: string | null, status: ShopifyStatus | null): BundleDiscountStatus {
  if (!discountId) return 'none';
  return status ? (status.toLowerCase() as BundleDiscountStatus) : 'deleted';
}

function discountInput(settings: BundleDiscountSettings) {
  const {percentage, scope, minimumItems, message} = settings;
  return {
    title: BUNDLE_DISCOUNT_TITLE,
    functionHandle: FUNCTION_HANDLE,
    discountClasses: ['PRODUCT'],
    combinesWith: settings.combinesWith,
    metafields: [{namespace: '$app', key: CONFIGURATION_KEY, type: 'json', value: JSON.stringify({percentage, scope, minimumItems, message})}],
  };
}

function failIf(what: string, errors: {message: string}[] | undefined): void {
  if (errors?.length) throw new PublishError(`${what}: ${errors.map((e) => e.message).join('; ')}`);
}

/**
 * Tells the theme blocks what the discount gives, through an app-data metafield on the app's installation
 * (https://shopify.dev/docs/apps/custom-data/metafields/app-data): the block cannot read the discount itself,
 * and shows a saving only while `active` is true, i.e. while Shopify reports the discount ACTIVE.
 */
async function publishToBlocks(client: Client, settings: BundleDiscountSettings, status: ShopifyStatus | null): Promise<void> {
  const installation = await client.request<{currentAppInstallation: {id: string}}>(INSTALLATION);
  const ownerId = installation.data?.currentAppInstallation.id;
  if (!ownerId) throw new PublishError('currentAppInstallation: no id');
  const {percentage, scope, minimumItems, message} = settings;
  const value = JSON.stringify({active: status === 'ACTIVE', percentage, scope, minimumItems, message});
  const res = await client.request<{metafieldsSet: {userErrors: {message: string}[]}}>(SET_APP_METAFIELD, {
    variables: {metafields: [{ownerId, namespace: BLOCK_NAMESPACE, key: BLOCK_KEY, type: 'json', value}]},
  });
  failIf('metafieldsSet', res.data?.metafieldsSet.userErrors);
}

/** The saved settings with the discount's state as Shopify reports it now. */
export async function readBundleDiscount(ctx: SessionDeps, db: Db, shop: ShopDomain): Promise<BundleDiscountView> {
  const {settings, discountId} = bundleDiscountRepo(db).get();
  if (!discountId) return {settings, status: 'none', discountId};
  const client = new ctx.shopify.clients.Graphql({session: await offlineSession(ctx, shop)});
  const status = await statusOf(client, discountId);
  // Deleted or ended on Shopify's side since the last save: the blocks stop promising a saving.
  if (settings.enabled && status !== 'ACTIVE') await publishToBlocks(client, settings, status);
  return {settings, status: viewStatus(discountId, status), discountId};
}

/**
 * Saves the settings and makes Shopify agree: on -> update the discount (re-activating it when it was turned off)
 * or create it (first time, or the merchant deleted it); off -> deactivate it if it is running.
 */
export async function saveBundleDiscount(ctx: SessionDeps, db: Db, shop: ShopDomain, settings: BundleDiscountSettings): Promise<BundleDiscountView> {
  const repo = bundleDiscountRepo(db);
  let {discountId} = repo.get();
  const client = new ctx.shopify.clients.Graphql({session: await offlineSession(ctx, shop)});
  let status = discountId ? await statusOf(client, discountId) : null;
  if (settings.enabled) {
    if (discountId && status) {
      const res = await client.request<{discountAutomaticAppUpdate: {automaticAppDiscount: {status: ShopifyStatus} | null; userErrors: {message: string}[]}}>(UPDATE, {variables: {id: discountId, input: discountInput(settings)}});
      failIf('discountAutomaticAppUpdate', res.data?.discountAutomaticAppUpdate.userErrors);
      if (status === 'EXPIRED') {
        const activated = await client.request<{discountAutomaticActivate: {userErrors: {message: string}[]}}>(ACTIVATE, {variables: {id: discountId}});
        failIf('discountAutomaticActivate', activated.data?.discountAutomaticActivate.userErrors);
      }
    } else {
      const res = await client.request<{discountAutomaticAppCreate: {automaticAppDiscount: {discountId: string} | null; userErrors: {message: string}[]}}>(CREATE, {variables: {input: {...discountInput(settings), startsAt: new Date().toISOString()}}});
      failIf('discountAutomaticAppCreate', res.data?.discountAutomaticAppCreate.userErrors);
      discountId = res.data?.discountAutomaticAppCreate.automaticAppDiscount?.discountId ?? null;
      if (!discountId) throw new PublishError('discountAutomaticAppCreate: no discount');
    }
  } else if (discountId && status && status !== 'EXPIRED') {
    const res = await client.request<{discountAutomaticDeactivate: {userErrors: {message: string}[]}}>(DEACTIVATE, {variables: {id: discountId}});
    failIf('discountAutomaticDeactivate', res.data?.discountAutomaticDeactivate.userErrors);
  }
  repo.save(settings, discountId);
  if (discountId) status = await statusOf(client, discountId);
  await publishToBlocks(client, settings, status);
  ctx.log('info', 'bundle discount saved', {shop, enabled: settings.enabled, status});
  return {settings, status: viewStatus(discountId, status), discountId};
}
