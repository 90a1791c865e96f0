import {BlockStack, Box, InlineStack, Text, Thumbnail} from '@shopify/polaris';
import {ImageIcon} from '@shopify/polaris-icons';
import type {CatalogProduct} from '../api/types';
import {formatMoney, t} from '../i18n/t';
import {TitledCard} from './TitledCard';

/** Roughly how the storefront's "Frequently bought together" block will show these products. */
export function BlockPreview({anchor, products}: {anchor: CatalogProduct; products: CatalogProduct[]}) {
  return (
    <TitledCard title={t('recommendations.preview.title')}>
      <Text as="p" variant="bodySm" tone="subdued">{t('recommendations.preview.help', {title: anchor.title})}</Text>
      <Box background="bg-surface-secondary" padding="400" borderRadius="200">
        <BlockStack gap="300">
          <Text as="h3" variant="headingSm">{t('recommendations.preview.heading')}</Text>
          {products.length === 0 ? (
            <Text as="p" tone="subdued">{t('recommendations.preview.empty')}</Text>
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
