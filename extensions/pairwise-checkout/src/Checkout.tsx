/** @jsxImportSource preact */
import '@shopify/ui-extensions/preact';
import {render} from 'preact';
import {useEffect, useRef, useState} from 'preact/hooks';
import {offersFor} from './offers';
import {gidNumber} from './storefront';
import type {StorefrontProduct} from './storefront';
import {surfaceEnabled, settingText} from './settings';
import {sendEvents} from './events';

// purchase.checkout.cart-line-list.render-after (Shopify Plus: checkout UI extensions in the information,
// shipping and payment steps): one offer for the checkout's lines, added with applyCartLinesChange.
// https://shopify.dev/docs/api/checkout-ui-extensions/latest/targets ,
// https://shopify.dev/docs/apps/build/checkout/product-offers/build-a-pre-purchase-offer?extension=polaris ,
// Preact and Polaris web components: https://shopify.dev/docs/api/checkout-ui-extensions/2025-10/upgrading-to-2025-10

export default async () => {
  render(<CheckoutOffer />, document.body);
};

type State = {phase: 'loading'} | {phase: 'offer'; offer: StorefrontProduct} | {phase: 'added'} | {phase: 'none'};

function CheckoutOffer() {
  const [state, setState] = useState<State>({phase: 'loading'});
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Set before the lines change: the new lines must not bring a new offer after the buyer took this one.
  const added = useRef(false);
  const enabled = surfaceEnabled(shopify.settings.value, 'show_in_checkout');
  const lineProducts = shopify.lines.value.map((l) => l.merchandise.product.id).join(',');

  useEffect(() => {
    if (!enabled || added.current) return;
    let current = true;
    offersFor(shopify.query, shopify.lines.value, 1)
      .then(([offer]) => {
        if (!current || added.current) return;
        setState(offer ? {phase: 'offer', offer} : {phase: 'none'});
        if (offer) void sendEvents(shopify.sessionToken, 'checkout', [{type: 'rendered', product: offer.id, anchor: anchorIds()[0] ?? null}]);
      })
      .catch(() => current && setState({phase: 'none'}));
    return () => {
      current = false;
    };
  }, [enabled, lineProducts]);

  if (state.phase !== 'offer') return null;
  const {offer} = state;
  const add = async () => {
    if (adding || added.current) return;
    added.current = true;
    setAdding(true);
    setError(null);
    // A plain line: the bundle discount function ([N]) sees it with the rest of the cart and discounts the pair
    // itself where the merchant runs one; `_pairwise` attributes the order line as the theme blocks' lines are.
    const result = await shopify.applyCartLinesChange({
      type: 'addCartLine',
      merchandiseId: offer.variantId!,
      quantity: 1,
      attributes: [{key: '_pairwise', value: `checkout:${anchorIds()[0] ?? ''}`}],
    });
    if (result.type === 'success') {
      setState({phase: 'added'});
      void sendEvents(shopify.sessionToken, 'checkout', [{type: 'added', product: offer.id, anchor: anchorIds()[0] ?? null}]);
    } else {
      added.current = false;
      setError(shopify.i18n.translate('add_failed'));
      setAdding(false);
    }
  };

  return (
    <s-stack gap="base">
      <s-heading>{settingText(shopify.settings.value, 'heading') ?? shopify.i18n.translate('checkout_heading')}</s-heading>
      <s-stack direction="inline" gap="base" alignItems="center">
        {offer.imageUrl && <s-product-thumbnail src={offer.imageUrl} alt={offer.title} />}
        <s-stack gap="none">
          <s-text>{offer.title}</s-text>
          <s-text color="subdued">{shopify.i18n.formatCurrency(offer.price)}</s-text>
        </s-stack>
        <s-button variant="secondary" loading={adding} disabled={adding} accessibilityLabel={shopify.i18n.translate('add_label', {title: offer.title})} onClick={add}>
          {shopify.i18n.translate('add')}
        </s-button>
      </s-stack>
      {error && <s-banner tone="critical">{error}</s-banner>}
    </s-stack>
  );
}

function anchorIds(): string[] {
  return [...new Set(shopify.lines.value.map((l) => gidNumber(l.merchandise.product.id)))];
}
