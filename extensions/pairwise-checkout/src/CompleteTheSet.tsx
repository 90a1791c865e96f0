/** @jsxImportSource preact */
import {useEffect, useState} from 'preact/hooks';
import {offersFor} from './offers';
import type {LineLike} from './offers';
import {offerCount, settingText, surfaceEnabled} from './settings';
import type {SurfaceSetting} from './settings';
import type {StorefrontProduct, StorefrontQuery} from './storefront';
import {gidNumber} from './storefront';
import {sendEvents} from './events';

/** What the thank-you and order status targets both give (StandardApi and the order's lines). */
export interface PostPurchaseApi {
  sessionToken: {get(): Promise<string>};
  lines: {value: readonly LineLike[]};
  query: StorefrontQuery;
  settings: {value: Record<string, string | number | boolean | undefined>};
  shop: {storefrontUrl?: string};
  i18n: {translate: (key: string, options?: {title: string}) => unknown; formatCurrency: (n: number) => string};
}

/**
 * A new cart holding one unit of the variant, on the shop's own storefront: never the finished order. The line
 * carries the `_pairwise` property (`thank_you:<anchor>` or `order_status:<anchor>`), as the theme blocks' and the
 * checkout offer's lines do, so an order placed from the link is attributed to this block: a cart permalink takes
 * the first product's line item properties as Base64 URL-encoded JSON in `properties`.
 * https://shopify.dev/docs/apps/build/checkout/create-cart-permalinks#step-2-optional-add-line-item-properties
 */
export function cartPermalink(storefrontUrl: string, variantGid: string, attribution: string): string {
  const properties = btoa(JSON.stringify({_pairwise: attribution})).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${storefrontUrl.replace(/\/$/, '')}/cart/${gidNumber(variantGid)}:1?properties=${properties}`;
}

/**
 * "Complete the set": the cart model's products for the order just placed (its lines), each linking to a new
 * cart with it. Renders nothing while it loads, when the surface is off, when the order's products have no
 * cart model, or when the shop has no storefront URL to link to.
 */
export function CompleteTheSet({api, surface}: {api: PostPurchaseApi; surface: SurfaceSetting}) {
  const block = surface === 'show_on_thank_you' ? 'thank_you' : 'order_status';
  const anchor = () => (api.lines.value[0] ? gidNumber(api.lines.value[0].merchandise.product.id) : null);
  const [offers, setOffers] = useState<StorefrontProduct[]>([]);
  const enabled = surfaceEnabled(api.settings.value, surface) && Boolean(api.shop.storefrontUrl);
  const limit = offerCount(api.settings.value);
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    offersFor(api.query, api.lines.value, limit)
      .then((found) => {
        if (!current) return;
        setOffers(found);
        void sendEvents(api.sessionToken, block, found.map((p) => ({type: 'rendered', product: p.id, anchor: anchor()})));
      })
      .catch(() => current && setOffers([]));
    return () => {
      current = false;
    };
  }, [enabled, limit]);

  if (!enabled || offers.length === 0) return null;
  return (
    <s-stack gap="base">
      <s-heading>{settingText(api.settings.value, 'heading') ?? String(api.i18n.translate('complete_heading'))}</s-heading>
      {offers.map((p) => (
        <s-stack key={p.id} direction="inline" gap="base" alignItems="center">
          {p.imageUrl && <s-product-thumbnail src={p.imageUrl} alt={p.title} />}
          <s-stack gap="none">
            <s-text>{p.title}</s-text>
            <s-text color="subdued">{api.i18n.formatCurrency(p.price)}</s-text>
          </s-stack>
          <s-link
            href={cartPermalink(api.shop.storefrontUrl!, p.variantId!, `${block}:${anchor() ?? ''}`)}
            target="_blank"
            accessibilityLabel={String(api.i18n.translate('shop_label', {title: p.title}))}
            onClick={() => void sendEvents(api.sessionToken, block, [{type: 'clicked', product: p.id, anchor: anchor()}])}
          >
            {String(api.i18n.translate('shop'))}
          </s-link>
        </s-stack>
      ))}
    </s-stack>
  );
}
