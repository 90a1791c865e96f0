import {Badge, Banner, Button, Card, EmptyState, IndexTable, Page, Text} from '@shopify/polaris';
import {useState} from 'react';
import {api, ApiError} from '../api/client';
import type {BundlesResponse} from '../api/types';
import {useApi} from '../api/useApi';
import {EMPTY_ILLUSTRATION} from '../components/illustration';
import {ErrorBanner, PageSkeleton} from '../components/Loading';
import {formatCount, formatNumber, formatPercent, t} from '../i18n/t';

const PAGE_SIZE = 25;

/** The frequent bundles the model found (3+ products bought together), and promoting one to the block. */
export function Bundles() {
  const [offset, setOffset] = useState(0);
  const bundles = useApi<BundlesResponse>(`/bundles?limit=${PAGE_SIZE}&offset=${offset}`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (bundles.loading && !bundles.data) return <PageSkeleton title={t('bundles.title')} />;
  if (bundles.error || !bundles.data) return <Page title={t('bundles.title')}><ErrorBanner error={bundles.error!} onRetry={bundles.reload} /></Page>;
  const data = bundles.data;

  const change = async (path: string, method: string, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await api(path, {method});
      shopify.toast.show(message);
      await bundles.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('bundles.title')} subtitle={t('bundles.subtitle')}>
      {error && <Banner tone="critical" title={t('errors.saveFailed')} onDismiss={() => setError(null)}><p>{error}</p></Banner>}
      <Card padding="0">
        {data.total === 0 ? (
          <EmptyState heading={t(data.model ? 'bundles.empty.heading' : 'bundles.noModel.heading')} image={EMPTY_ILLUSTRATION}>
            <p>{t(data.model ? 'bundles.empty.body' : 'bundles.noModel.body')}</p>
          </EmptyState>
        ) : (
          <IndexTable
            resourceName={{singular: t('bundles.bundle'), plural: t('bundles.bundles')}}
            itemCount={data.items.length}
            selectable={false}
            headings={[
              {title: t('bundles.products')},
              {title: t('bundles.orders'), alignment: 'end'},
              {title: t('bundles.support'), alignment: 'end'},
              {title: t('bundles.lift'), alignment: 'end'},
              {title: ''},
            ]}
            pagination={data.total > PAGE_SIZE ? {
              hasPrevious: offset > 0,
              hasNext: offset + PAGE_SIZE < data.total,
              onPrevious: () => setOffset(Math.max(0, offset - PAGE_SIZE)),
              onNext: () => setOffset(offset + PAGE_SIZE),
            } : undefined}
          >
            {data.items.map((b, i) => {
              return (
                <IndexTable.Row id={String(b.bundleId)} key={b.bundleId} position={i}>
                  <IndexTable.Cell>
                    <Text as="span" fontWeight="semibold">{b.products.map((p) => p.title).join(' + ')}</Text>{' '}
                    {b.promoted && <Badge tone="success">{t('bundles.promoted')}</Badge>}
                  </IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatCount(b.count)}</Text></IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatPercent(b.support)}</Text></IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatNumber(b.lift)}×</Text></IndexTable.Cell>
                  <IndexTable.Cell>
                    {b.promoted ? (
                      <Button size="slim" disabled={busy} onClick={() => void change('/bundles/promoted', 'DELETE', t('bundles.toast.removed'))}>{t('bundles.remove')}</Button>
                    ) : (
                      <Button size="slim" variant="primary" disabled={busy} onClick={() => void change(`/bundles/${b.bundleId}/promote`, 'PUT', t('bundles.toast.promoted'))}>{t('bundles.promote')}</Button>
                    )}
                  </IndexTable.Cell>
                </IndexTable.Row>
              );
            })}
          </IndexTable>
        )}
      </Card>
      <div style={{marginTop: 'var(--p-space-400)'}}>
        <Text as="p" variant="bodySm" tone="subdued">{t('bundles.help')}</Text>
      </div>
    </Page>
  );
}
