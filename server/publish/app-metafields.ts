import {offlineSession} from '../auth/offline-session';
import type {Services} from '../services';
import type {ExperimentPeriod} from '../../domain/experiment';
import {PublishError} from '../../domain/errors';
import type {ShopDomain} from '../../storage/shop-domain';

/**
 * Writes the running experiment period (period, salt, share) to the app-data metafield `pairwise.experiment`
 * (type json) on this app's installation, which the blocks read as `app.metafields.pairwise.experiment` before
 * they paint, without a call to us. The owner is the id `currentAppInstallation` gives and the write is a
 * metafieldsSet: https://shopify.dev/docs/apps/custom-data/metafields/app-data ,
 * https://shopify.dev/docs/api/admin-graphql/latest/queries/currentAppInstallation ,
 * https://shopify.dev/docs/api/liquid/objects/app
 */
export const EXPERIMENT_NAMESPACE = 'pairwise';
export const EXPERIMENT_KEY = 'experiment';

const INSTALLATION = 'query AppInstallation { currentAppInstallation { id } }';
const SET = `mutation SetExperiment($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message code } }
}`;

export type AppMetafieldDeps = Pick<Services, 'config' | 'appDb' | 'shopify' | 'log'>;

export async function publishExperiment(ctx: AppMetafieldDeps, shop: ShopDomain, period: ExperimentPeriod): Promise<void> {
  const client = new ctx.shopify.clients.Graphql({session: await offlineSession(ctx, shop)});
  const installation = await client.request<{currentAppInstallation: {id: string}}>(INSTALLATION);
  const ownerId = installation.data?.currentAppInstallation.id;
  if (!ownerId) throw new PublishError('currentAppInstallation: no id');
  const value = JSON.stringify({period: period.period, salt: period.salt, share: period.share});
  const res = await client.request<{metafieldsSet: {userErrors: {message: string}[]}}>(SET, {
    variables: {metafields: [{ownerId, namespace: EXPERIMENT_NAMESPACE, key: EXPERIMENT_KEY, type: 'json', value}]},
  });
  const errors = res.data?.metafieldsSet.userErrors ?? [];
  if (errors.length) throw new PublishError(`metafieldsSet: ${errors.map((e) => e.message).join('; ')}`);
  ctx.log('info', 'experiment published', {shop, period: period.period, share: period.share});
}
