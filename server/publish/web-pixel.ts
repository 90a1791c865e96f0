import {offlineSession} from '../auth/offline-session';
import type {Services} from '../services';
import {PublishError} from '../../domain/errors';
import type {ShopDomain} from '../../storage/shop-domain';

/**
 * Activates the web pixel (extensions/pairwise-pixel) on a shop: webPixelCreate with its settings, or, when the
 * shop already has the app's pixel (a re-install: TAKEN), webPixelUpdate of that pixel, so the settings always
 * match this version's `[settings]` definition. Settings are a JSON string, validated by Shopify against that
 * definition: https://shopify.dev/docs/apps/build/marketing-analytics/build-web-pixels (step 5),
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/webPixelCreate ,
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/webPixelUpdate . Needs `write_pixels`.
 */

/** Where the shop's app proxy answers: `/<prefix>/<subpath>` of shopify.app.toml's [app_proxy]. */
export const APP_PROXY_PATH = '/apps/pairwise';

const CREATE = `mutation ActivatePixel($webPixel: WebPixelInput!) {
  webPixelCreate(webPixel: $webPixel) { webPixel { id } userErrors { code field message } }
}`;
const FIND = 'query AppPixel { webPixel { id } }';
const UPDATE = `mutation UpdatePixel($id: ID!, $webPixel: WebPixelInput!) {
  webPixelUpdate(id: $id, webPixel: $webPixel) { webPixel { id } userErrors { code field message } }
}`;

interface PixelPayload {
  webPixel: {id: string} | null;
  userErrors: {code: string | null; message: string}[];
}

export type WebPixelDeps = Pick<Services, 'config' | 'appDb' | 'shopify' | 'log'>;

/** The pixel's id once it is active with the current settings; a PublishError names Shopify's userErrors otherwise. */
export async function activateWebPixel(ctx: WebPixelDeps, shop: ShopDomain): Promise<string> {
  const client = new ctx.shopify.clients.Graphql({session: await offlineSession(ctx, shop)});
  const webPixel = {settings: JSON.stringify({proxyPath: APP_PROXY_PATH})};
  const created = (await client.request<{webPixelCreate: PixelPayload}>(CREATE, {variables: {webPixel}})).data?.webPixelCreate;
  let result = created;
  if (created?.userErrors.some((e) => e.code === 'TAKEN')) {
    const id = (await client.request<{webPixel: {id: string} | null}>(FIND)).data?.webPixel?.id;
    if (!id) throw new PublishError('webPixelCreate: TAKEN, yet webPixel finds no pixel');
    result = (await client.request<{webPixelUpdate: PixelPayload}>(UPDATE, {variables: {id, webPixel}})).data?.webPixelUpdate;
  }
  const errors = result?.userErrors ?? [];
  if (errors.length || !result?.webPixel) throw new PublishError(`web pixel: ${errors.map((e) => `${e.code}: ${e.message}`).join('; ') || 'no pixel returned'}`);
  ctx.log('info', 'web pixel active', {shop, id: result.webPixel.id});
  return result.webPixel.id;
}
