import {Banner, Button, Card, DataTable, EmptyState, InlineStack, Layout, Page, RangeSlider, Select, Text} from '@shopify/polaris';
import {LineChart} from '@shopify/polaris-viz';
import {useEffect, useState} from 'react';
import {api, ApiError} from '../api/client';
import type {AnalyticsResponse, Funnel, Settings, Stage} from '../api/types';
import {useApi} from '../api/useApi';
import {EMPTY_ILLUSTRATION} from '../components/illustration';
import {ErrorBanner, PageSkeleton} from '../components/Loading';
import {formatCount, formatMoney, formatPercent, t} from '../i18n/t';
import {TitledCard} from '../components/TitledCard';

const STAGES: Stage[] = ['rendered', 'viewed', 'clicked', 'added', 'ordered'];
const CHARTED: Stage[] = ['viewed', 'clicked', 'added', 'ordered'];
const RANGES = ['7', '30', '90'];

const rate = (part: number, whole: number) => (whole > 0 ? formatPercent(part / whole) : '—');

/** The funnel per block and per day, attributed revenue, and the holdout that makes uplift measurable. */
export function Analytics() {
  const [days, setDays] = useState('30');
  const analytics = useApi<AnalyticsResponse>(`/analytics?days=${days}`);
  if (analytics.loading && !analytics.data) return <PageSkeleton title={t('analytics.title')} />;
  if (analytics.error || !analytics.data) return <Page title={t('analytics.title')}><ErrorBanner error={analytics.error!} onRetry={analytics.reload} /></Page>;
  const data = analytics.data;
  const blocks = Object.keys(data.totals);
  const any = blocks.some((b) => data.totals[b].rendered > 0 || data.totals[b].ordered > 0);
  const currency = data.store.currency;
  const attributed = blocks.reduce((sum, b) => sum + data.totals[b].revenue, 0);
  const daily = (stage: Stage) => data.days.map((d) => ({key: d.day.slice(5), value: Object.values(d.blocks).reduce((n, f: Funnel) => n + f[stage], 0)}));

  return (
    <Page title={t('analytics.title')} subtitle={t('analytics.subtitle', {from: data.from, to: data.to})}
      secondaryActions={<Select label={t('analytics.range')} labelInline options={RANGES.map((r) => ({label: t('analytics.days', {days: r}), value: r}))} value={days} onChange={setDays} />}
    >
      <Layout>
        {!any && (
          <Layout.Section>
            <Card><EmptyState heading={t('analytics.empty.heading')} image={EMPTY_ILLUSTRATION}><p>{t('analytics.empty.body')}</p></EmptyState></Card>
          </Layout.Section>
        )}
        <Layout.Section>
          <TitledCard title={t('analytics.revenue.title')}>
            <Text as="p" variant="headingXl">{formatMoney(attributed, currency)}</Text>
            <Text as="p" tone="subdued">
              {t('analytics.revenue.share', {share: rate(attributed, data.store.revenue), total: formatMoney(data.store.revenue, currency), orders: formatCount(data.store.orders)})}
            </Text>
          </TitledCard>
        </Layout.Section>
        <Layout.Section>
          <TitledCard title={t('analytics.funnel.title')}>
            <DataTable
              columnContentTypes={['text', ...STAGES.map(() => 'numeric' as const), 'numeric', 'numeric']}
              headings={[t('analytics.block'), ...STAGES.map((s) => t(`stages.${s}`)), t('analytics.ctr'), t('analytics.revenue.column')]}
              rows={blocks.map((b) => {
                const f = data.totals[b];
                return [t(`blocks.${b}`), ...STAGES.map((s) => formatCount(f[s])), rate(f.clicked, f.viewed), formatMoney(f.revenue, currency)];
              })}
            />
            <Text as="p" variant="bodySm" tone="subdued">{t('analytics.funnel.help')}</Text>
          </TitledCard>
        </Layout.Section>
        <Layout.Section>
          <TitledCard title={t('analytics.daily.title')}>
            <figure style={{height: 300, margin: 0}} aria-label={t('analytics.daily.title')} data-chart>
              <LineChart theme="Light" isAnimated={false} data={CHARTED.map((s) => ({name: t(`stages.${s}`), data: daily(s)}))} />
            </figure>
          </TitledCard>
        </Layout.Section>
        <Layout.Section>
          <HoldoutCard share={data.holdout.share} heldOut={data.holdout.events.rendered ?? 0} onSaved={analytics.reload} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** The holdout share, editable here because this is where its effect is read. */
function HoldoutCard({share, heldOut, onSaved}: {share: number; heldOut: number; onSaved(): Promise<void>}) {
  const [value, setValue] = useState(Math.round(share * 100));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => setValue(Math.round(share * 100)), [share]);
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      await api<{settings: Settings}>('/settings', {method: 'PUT', body: {holdoutShare: value / 100}});
      shopify.toast.show(t('analytics.holdout.saved'));
      await onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? (err.fields.holdoutShare ?? err.message) : String(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <TitledCard title={t('analytics.holdout.title')}>
      <Text as="p">{t('analytics.holdout.help')}</Text>
      {share === 0 && <Banner tone="warning">{t('analytics.holdout.off')}</Banner>}
      <RangeSlider label={t('analytics.holdout.label')} min={0} max={50} step={1} value={value} output suffix={`${value}%`}
        onChange={(v) => setValue(typeof v === 'number' ? v : v[0])} error={error ?? undefined} />
      <Text as="p" tone="subdued">{t('analytics.holdout.heldOut', {count: formatCount(heldOut)})}</Text>
      <InlineStack><Button onClick={() => void save()} loading={saving} disabled={value === Math.round(share * 100)}>{t('analytics.holdout.save')}</Button></InlineStack>
    </TitledCard>
  );
}
