import {
  Badge, Banner, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Layout, Page, Text, TextField,
} from '@shopify/polaris';
import {useEffect, useState} from 'react';
import {api, ApiError} from '../api/client';
import type {CatalogProduct, CompanionRow, Paged, RecommendationsResponse} from '../api/types';
import {useApi} from '../api/useApi';
import {BlockPreview} from '../components/BlockPreview';
import {EMPTY_ILLUSTRATION} from '../components/illustration';
import {ErrorBanner, PageSkeleton} from '../components/Loading';
import {PairExplanation} from '../components/PairExplanation';
import {navigate, queryParam} from '../router';
import {formatCount, formatNumber, formatPercent, t} from '../i18n/t';

const SEARCH_DELAY_MS = 250;

/** Search a product, see its list with explanations, and curate it: pin, reorder, exclude. */
export function Recommendations() {
  const [input, setInput] = useState('');
  const [query, setQuery] = useState('');
  const [productId, setProductId] = useState<string | null>(queryParam('product'));
  useEffect(() => {
    const timer = setTimeout(() => setQuery(input.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [input]);
  const results = useApi<Paged<CatalogProduct>>(`/products?limit=5&query=${encodeURIComponent(query)}`);
  const list = useApi<RecommendationsResponse>(productId ? `/products/${productId}/recommendations` : null);

  const select = (id: number) => {
    setProductId(String(id));
    navigate(`/recommendations?product=${id}`);
  };

  if (results.loading && !results.data && !results.error) return <PageSkeleton title={t('recommendations.title')} />;

  return (
    <Page title={t('recommendations.title')} subtitle={t('recommendations.subtitle')}>
      <Layout>
        <Layout.Section>
          <Card padding="0">
            <BlockStack>
              <div style={{padding: 'var(--p-space-400)'}}>
                <TextField
                  label={t('recommendations.search.label')}
                  value={input}
                  onChange={setInput}
                  placeholder={t('recommendations.search.placeholder')}
                  autoComplete="off"
                  clearButton
                  onClearButtonClick={() => setInput('')}
                />
              </div>
              {results.error ? (
                <ErrorBanner error={results.error} onRetry={results.reload} />
              ) : (
                <IndexTable
                  resourceName={{singular: t('recommendations.search.product'), plural: t('recommendations.search.products')}}
                  itemCount={results.data?.items.length ?? 0}
                  selectable={false}
                  loading={results.loading}
                  headings={[{title: t('recommendations.search.product')}, {title: t('recommendations.search.orders'), alignment: 'end'}]}
                  emptyState={<Text as="p" alignment="center" tone="subdued">{t('recommendations.search.none')}</Text>}
                >
                  {(results.data?.items ?? []).map((p, i) => (
                    <IndexTable.Row id={String(p.productId)} key={p.productId} position={i} selected={String(p.productId) === productId} onClick={() => select(p.productId)}>
                      <IndexTable.Cell>
                        <Button variant="plain" onClick={() => select(p.productId)}>{p.title}</Button>
                      </IndexTable.Cell>
                      <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatCount(p.orders)}</Text></IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          {!productId && (
            <Card>
              <EmptyState heading={t('recommendations.pick.heading')} image={EMPTY_ILLUSTRATION}>
                <p>{t('recommendations.pick.body')}</p>
              </EmptyState>
            </Card>
          )}
          {productId && list.error && <ErrorBanner error={list.error} onRetry={list.reload} />}
          {productId && list.data && <ProductList data={list.data} reload={list.reload} />}
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function ProductList({data, reload}: {data: RecommendationsResponse; reload(): Promise<void>}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = data.product.productId;
  const pins = data.companions.filter((c) => c.pinned).map((c) => c.companionId);
  const shown = data.companions.filter((c) => c.hidden === null && c.product).map((c) => c.product!);

  const change = async (call: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await call();
      shopify.toast.show(message);
      await reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const setPins = (next: number[], message: string) =>
    change(() => api(`/products/${id}/pins`, {method: 'PUT', body: {companionIds: next}}), message);
  const move = (companionId: number, by: number) => {
    const next = [...pins];
    const from = next.indexOf(companionId);
    const to = from + by;
    if (to < 0 || to >= next.length) return;
    [next[from], next[to]] = [next[to], next[from]];
    void setPins(next, t('recommendations.toast.reordered'));
  };

  const row = (c: CompanionRow, i: number) => {
    const title = c.product?.title ?? `#${c.companionId}`;
    const pinIndex = pins.indexOf(c.companionId);
    return (
      <IndexTable.Row id={String(c.companionId)} key={c.companionId} position={i}>
        <IndexTable.Cell><Text as="span" numeric>{i + 1}</Text></IndexTable.Cell>
        <IndexTable.Cell>
          <BlockStack gap="100">
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" fontWeight="semibold">{title}</Text>
              {c.pinned && <Badge tone="info">{t('recommendations.pinned')}</Badge>}
              {c.hidden === null ? <Badge tone="success">{t('recommendations.shown')}</Badge> : <Badge>{t(`hidden.${c.hidden}`)}</Badge>}
            </InlineStack>
            <PairExplanation stats={c.stats} anchorTitle={data.product.title} />
          </BlockStack>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <InlineStack gap="200" wrap={false} blockAlign="center">
            {c.pinned ? (
              <>
                <Button size="slim" disabled={busy || pinIndex === 0} onClick={() => move(c.companionId, -1)} accessibilityLabel={t('recommendations.actions.up', {title})}>↑</Button>
                <Button size="slim" disabled={busy || pinIndex === pins.length - 1} onClick={() => move(c.companionId, 1)} accessibilityLabel={t('recommendations.actions.down', {title})}>↓</Button>
                <Button size="slim" disabled={busy} onClick={() => void setPins(pins.filter((p) => p !== c.companionId), t('recommendations.toast.unpinned'))}>{t('recommendations.actions.unpin')}</Button>
              </>
            ) : (
              c.hidden !== 'pair_excluded' && <Button size="slim" disabled={busy} onClick={() => void setPins([...pins, c.companionId], t('recommendations.toast.pinned'))}>{t('recommendations.actions.pin')}</Button>
            )}
            {c.hidden === 'pair_excluded' ? (
              <Button size="slim" disabled={busy} onClick={() => void change(() => api(`/products/${id}/exclusions/${c.companionId}`, {method: 'DELETE'}), t('recommendations.toast.included'))}>{t('recommendations.actions.include')}</Button>
            ) : (
              <Button size="slim" tone="critical" disabled={busy} onClick={() => void change(() => api(`/products/${id}/exclusions`, {method: 'POST', body: {companionId: c.companionId}}), t('recommendations.toast.excluded'))}>{t('recommendations.actions.exclude')}</Button>
            )}
            {c.hidden === 'product_excluded' ? (
              <Button size="slim" variant="plain" disabled={busy} onClick={() => void change(() => api(`/excluded-products/${c.companionId}`, {method: 'DELETE'}), t('recommendations.toast.productIncluded'))}>{t('recommendations.actions.allowEverywhere')}</Button>
            ) : (
              <Button size="slim" variant="plain" tone="critical" disabled={busy} onClick={() => void change(() => api(`/excluded-products/${c.companionId}`, {method: 'PUT'}), t('recommendations.toast.productExcluded'))}>{t('recommendations.actions.excludeEverywhere')}</Button>
            )}
          </InlineStack>
        </IndexTable.Cell>
      </IndexTable.Row>
    );
  };

  return (
    <BlockStack gap="400">
      {error && <Banner tone="critical" title={t('errors.saveFailed')} onDismiss={() => setError(null)}><p>{error}</p></Banner>}
      {data.productExcluded && (
        <Banner tone="warning" title={t('recommendations.excludedBanner', {title: data.product.title})}
          action={{content: t('recommendations.actions.allowEverywhere'), onAction: () => void change(() => api(`/excluded-products/${id}`, {method: 'DELETE'}), t('recommendations.toast.productIncluded'))}} />
      )}
      {!data.model && <Banner tone="info" title={t('recommendations.noModel')} />}
      <Card padding="0">
        <div style={{padding: 'var(--p-space-400)'}}>
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">{t('recommendations.listTitle', {title: data.product.title})}</Text>
            <Text as="p" variant="bodySm" tone="subdued">
              {t('recommendations.thresholds', {max: data.settings.maxItems, confidence: formatPercent(data.settings.minConfidence), lift: formatNumber(data.settings.minLift)})}
            </Text>
          </BlockStack>
        </div>
        <IndexTable
          resourceName={{singular: t('recommendations.companion'), plural: t('recommendations.companions')}}
          itemCount={data.companions.length}
          selectable={false}
          headings={[{title: '#'}, {title: t('recommendations.companion')}, {title: t('recommendations.actions.title')}]}
          emptyState={<Text as="p" alignment="center" tone="subdued">{t('recommendations.noCompanions')}</Text>}
        >
          {data.companions.map(row)}
        </IndexTable>
      </Card>
      <BlockPreview anchor={data.product} products={shown} />
      <BlockPreview anchor={data.product} products={data.upsell.map((u) => u.product)} block="cart" />
    </BlockStack>
  );
}
