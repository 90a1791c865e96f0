import {parseShopDomain} from '../../storage/shop-domain';

/**
 * The Content-Security-Policy of the admin page: only the shop it is opened for and Shopify admin may frame it
 * (App Store review; https://shopify.dev/docs/apps/build/security/set-up-iframe-protection). Shopify opens the
 * app with `?shop=<shop>.myshopify.com`; anything that is not a valid shop domain frames admin.shopify.com alone.
 */
export function frameAncestors(shopParam: unknown): string {
  const shop = parseShopDomain(shopParam);
  return shop ? `frame-ancestors https://${shop} https://admin.shopify.com;` : 'frame-ancestors https://admin.shopify.com;';
}
