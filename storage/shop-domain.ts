/**
 * The only shop domains that may become a file name or a query scope (contracts: `^[a-z0-9][a-z0-9-]*\.myshopify\.com$`),
 * with the shop's name held to a DNS label (RFC 1035 2.3.1: at most 63 letters, digits and hyphens, starting and
 * ending with a letter or digit), which every real `<shop>.myshopify.com` host is. The bound also keeps
 * `shops/<domain>.db` far below the 255-byte file name limit.
 */
const SHOP_DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.myshopify\.com$/;

export type ShopDomain = string & {readonly __brand: 'ShopDomain'};

/** Returns the domain when it is a valid myshopify domain, else null. No trimming or case folding: what Shopify sends is exact. */
export function parseShopDomain(value: unknown): ShopDomain | null {
  return typeof value === 'string' && SHOP_DOMAIN.test(value) ? (value as ShopDomain) : null;
}
