import {BlockStack, Box, InlineStack, Text, Thumbnail} from '@shopify/polaris';
import {ImageIcon} from '@shopify/polaris-icons';
import type {CatalogProduct} from '../api/types';
import {formatMoney, t} from '../i18n/t';
import {TitledCard} from './TitledCard';

/**
 * Roughly how a storefront block will show these products: the product page's "Frequently bought together"
 * (`fbt`) or the cart upsell with the anchor in the cart (`cart`).
 */
export function BlockPreview({anchor, products, block = 'fbt'}: {anchor: CatalogProduct; products: CatalogProduct[]; block?: 'fbt' | 'cart'}) {
  const text = block === 'fbt' ? 'preview' : 'upsellPreview';
  return (
    <TitledCard title={t(`recommendations.${text}.title`)}>
      <Text as="p" variant="bodySm" tone="subdued">{t(`recommendations.${text}.help`, {title: anchor.title})}</Text>
      <Box background="bg-surface-secondary" padding="400" borderRadius="200">
        <BlockStack gap="300">
          <Text as="h3" variant="headingSm">{t(`recommendations.${text}.heading`)}</Text>
          {products.length === 0 ? (
            <Text as="p" tone="subdued">{t(`recommendations.${text}.empty`)}</Text>
          ) : (
            <InlineStack gap="400" wrap>
              {products.map((p) => (
                <BlockStack key={p.productId} gap="100" inlineAlign="center">
                  <Thumbnail source={p.imageUrl ?? ImageIcon} alt={p.title} size="large" />
                  <Text as="span" variant="bodySm">{p.title}</Text>
                  {p.price !== null && <Text as="span" variant="bodySm" tone="subdued">{formatMoney(p.price, null)}</Text>}
                </BlockStack>
              ))}
            </InlineStack>
          )}
        </BlockStack>
      </Box>
    </TitledCard>
  );
}
