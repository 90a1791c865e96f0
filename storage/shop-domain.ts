/** The only shop domains that may become a file name or a query scope (contracts: `^[a-z0-9][a-z0-9-]*\.myshopify\.com$`). */
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export type ShopDomain = string & {readonly __brand: 'ShopDomain'};

/** Returns the domain when it is a valid myshopify domain, else null. No trimming or case folding: what Shopify sends is exact. */
export function parseShopDomain(value: unknown): ShopDomain | null {
  return typeof value === 'string' && value.length <= 255 && SHOP_DOMAIN.test(value) ? (value as ShopDomain) : null;
}
