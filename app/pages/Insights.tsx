import {BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Layout, Page, Tag, Text} from '@shopify/polaris';
import type {InsightsResponse} from '../api/types';
import {useApi} from '../api/useApi';
import {EMPTY_ILLUSTRATION} from '../components/illustration';
import {ErrorBanner, PageSkeleton} from '../components/Loading';
import {formatCount, formatNumber, formatPercent, t} from '../i18n/t';
import {TitledCard} from '../components/TitledCard';

/** What the model learnt about the store: groups bought together, the strongest pairs, the gaps. */
export function Insights() {
  const insights = useApi<InsightsResponse>('/insights');
  if (insights.loading && !insights.data) return <PageSkeleton title={t('insights.title')} />;
  if (insights.error || !insights.data) return <Page title={t('insights.title')}><ErrorBanner error={insights.error!} onRetry={insights.reload} /></Page>;
  const data = insights.data;
  if (!data.model) {
    return (
      <Page title={t('insights.title')}>
        <Card><EmptyState heading={t('insights.noModel.heading')} image={EMPTY_ILLUSTRATION}><p>{t('insights.noModel.body')}</p></EmptyState></Card>
      </Page>
    );
  }
  return (
    <Page title={t('insights.title')} subtitle={t('insights.subtitle')}>
      <Layout>
        <Layout.Section>
          <TitledCard title={t('insights.communities.title')} gap="400">
            <Text as="p" tone="subdued">{t('insights.communities.help')}</Text>
            {data.communities.length === 0 && <Text as="p">{t('insights.communities.none')}</Text>}
            {data.communities.map((c, i) => (
              <BlockStack gap="200" key={c.communityId}>
                <Text as="h3" variant="headingSm">
                  {c.name ?? t('insights.communities.unnamed', {title: c.products[0]?.title ?? String(i + 1)})}{' '}
                  <Text as="span" tone="subdued">{t('insights.communities.size', {size: formatCount(c.size), purchases: formatCount(c.purchases)})}</Text>
                </Text>
                <InlineStack gap="200" wrap>
                  {c.products.map((p) => <Tag key={p.productId} url={`/recommendations?product=${p.productId}`}>{p.title}</Tag>)}
                </InlineStack>
              </BlockStack>
            ))}
          </TitledCard>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <div style={{padding: 'var(--p-space-400)'}}>
              <Text as="h2" variant="headingMd">{t('insights.pairs.title')}</Text>
            </div>
            <IndexTable
              resourceName={{singular: t('insights.pairs.pair'), plural: t('insights.pairs.pairs')}}
              itemCount={data.topPairs.length}
              selectable={false}
              headings={[
                {title: t('insights.pairs.pair')},
                {title: t('insights.pairs.orders'), alignment: 'end'},
                {title: t('insights.pairs.confidence'), alignment: 'end'},
                {title: t('insights.pairs.lift'), alignment: 'end'},
              ]}
              emptyState={<Text as="p" alignment="center" tone="subdued">{t('insights.pairs.none')}</Text>}
            >
              {data.topPairs.map((p, i) => (
                <IndexTable.Row id={`${p.productId}-${p.companionId}`} key={`${p.productId}-${p.companionId}`} position={i}>
                  <IndexTable.Cell>{p.product?.title ?? `#${p.productId}`} + {p.companion?.title ?? `#${p.companionId}`}</IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatCount(p.count)}</Text></IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatPercent(p.confidence)}</Text></IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatNumber(p.lift)}×</Text></IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <div style={{padding: 'var(--p-space-400)'}}>
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">{t('insights.lonely.title')}</Text>
                <Text as="p" tone="subdued">{t('insights.lonely.help')}</Text>
              </BlockStack>
            </div>
            <IndexTable
              resourceName={{singular: t('insights.lonely.product'), plural: t('insights.lonely.products')}}
              itemCount={data.withoutCompanions.length}
              selectable={false}
              headings={[{title: t('insights.lonely.product')}, {title: t('insights.lonely.orders'), alignment: 'end'}, {title: ''}]}
              emptyState={<Text as="p" alignment="center" tone="subdued">{t('insights.lonely.none')}</Text>}
            >
              {data.withoutCompanions.map((p, i) => (
                <IndexTable.Row id={String(p.productId)} key={p.productId} position={i}>
                  <IndexTable.Cell>{p.product?.title ?? `#${p.productId}`}</IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatCount(p.orders)}</Text></IndexTable.Cell>
                  <IndexTable.Cell><Button size="slim" url={`/recommendations?product=${p.productId}`}>{t('insights.lonely.pin')}</Button></IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
