import {Banner, Button, Card, EmptyState, IndexTable, Page, Text} from '@shopify/polaris';
import {useState} from 'react';
import {api, ApiError} from '../api/client';
import type {CustomerDataExport, DataRequestsResponse} from '../api/types';
import {useApi} from '../api/useApi';
import {EMPTY_ILLUSTRATION} from '../components/illustration';
import {ErrorBanner, PageSkeleton} from '../components/Loading';
import {formatCount, formatDate, t} from '../i18n/t';

const PAGE_SIZE = 25;

/** Hands the browser a JSON file to save: what the merchant sends the customer who asked. */
function saveJson(name: string, data: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], {type: 'application/json'}));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

/**
 * Customer data requests (customers/data_request) and, for each, a download of what Pairwise holds about that
 * customer: the privacy rules make the merchant answer them (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance).
 */
export function DataRequests() {
  const [offset, setOffset] = useState(0);
  const requests = useApi<DataRequestsResponse>(`/data-requests?limit=${PAGE_SIZE}&offset=${offset}`);
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (requests.loading && !requests.data) return <PageSkeleton title={t('dataRequests.title')} />;
  if (requests.error || !requests.data) return <Page title={t('dataRequests.title')}><ErrorBanner error={requests.error!} onRetry={requests.reload} /></Page>;
  const data = requests.data;

  const download = async (id: number, shopifyRequestId: number | null) => {
    setBusy(id);
    setError(null);
    try {
      const held = await api<CustomerDataExport>(`/data-requests/${id}`);
      saveJson(`pairwise-data-request-${shopifyRequestId ?? id}.json`, held);
      shopify.toast.show(t('dataRequests.toast.downloaded'));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Page title={t('dataRequests.title')} subtitle={t('dataRequests.subtitle')}>
      {error && <Banner tone="critical" title={t('dataRequests.downloadFailed')} onDismiss={() => setError(null)}><p>{error}</p></Banner>}
      <Card padding="0">
        {data.total === 0 ? (
          <EmptyState heading={t('dataRequests.empty.heading')} image={EMPTY_ILLUSTRATION}>
            <p>{t('dataRequests.empty.body')}</p>
          </EmptyState>
        ) : (
          <IndexTable
            resourceName={{singular: t('dataRequests.request'), plural: t('dataRequests.requests')}}
            itemCount={data.items.length}
            selectable={false}
            headings={[{title: t('dataRequests.received')}, {title: t('dataRequests.shopifyId')}, {title: t('dataRequests.orders'), alignment: 'end'}, {title: ''}]}
            pagination={data.total > PAGE_SIZE ? {
              hasPrevious: offset > 0,
              hasNext: offset + PAGE_SIZE < data.total,
              onPrevious: () => setOffset(Math.max(0, offset - PAGE_SIZE)),
              onNext: () => setOffset(offset + PAGE_SIZE),
            } : undefined}
          >
            {data.items.map((r, i) => (
              <IndexTable.Row id={String(r.id)} key={r.id} position={i}>
                <IndexTable.Cell>{formatDate(r.receivedAt)}</IndexTable.Cell>
                <IndexTable.Cell>{r.shopifyRequestId ?? t('dataRequests.noShopifyId')}</IndexTable.Cell>
                <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatCount(r.orders)}</Text></IndexTable.Cell>
                <IndexTable.Cell>
                  <Button size="slim" disabled={busy !== null} loading={busy === r.id} accessibilityLabel={t('dataRequests.downloadLabel', {id: r.shopifyRequestId ?? r.id})} onClick={() => void download(r.id, r.shopifyRequestId)}>
                    {t('dataRequests.download')}
                  </Button>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
      <div style={{marginTop: 'var(--p-space-400)'}}>
        <Text as="p" variant="bodySm" tone="subdued">{t('dataRequests.help')}</Text>
      </div>
    </Page>
  );
}
