import {BlockStack, Text} from '@shopify/polaris';
import type {RankedCompanion} from '../api/types';
import {formatCount, formatNumber, formatPercent, t} from '../i18n/t';

/** Why the model put a companion in the list, in the merchant's words first and the statistics after. */
export function PairExplanation({stats, anchorTitle}: {stats: RankedCompanion | null; anchorTitle: string}) {
  if (!stats) return <Text as="span" tone="subdued">{t('recommendations.explain.pinnedOnly')}</Text>;
  return (
    <BlockStack gap="050">
      <Text as="span">
        {stats.count > 0
          ? t(stats.count === 1 ? 'recommendations.explain.togetherOnce' : 'recommendations.explain.together', {count: formatCount(stats.count), confidence: formatPercent(stats.confidence), title: anchorTitle})
          : t('recommendations.explain.never')}
      </Text>
      <Text as="span" variant="bodySm" tone="subdued">
        {t('recommendations.explain.stats', {lift: formatNumber(stats.lift), source: t(`sources.${stats.source}`)})}
      </Text>
    </BlockStack>
  );
}
