import {Banner, Button, Card, DataTable, EmptyState, InlineStack, Layout, Page, RangeSlider, Select, Text} from '@shopify/polaris';
import {LineChart} from '@shopify/polaris-viz';
import {useEffect, useState} from 'react';
import {api, ApiError} from '../api/client';
import type {AnalyticsResponse, ExperimentInterval, ExperimentResponse, Funnel, Settings, Stage} from '../api/types';
import {useApi} from '../api/useApi';
import {EMPTY_ILLUSTRATION} from '../components/illustration';
import {ErrorBanner, PageSkeleton} from '../components/Loading';
import {formatCount, formatMoney, formatNumber, formatPercent, t} from '../i18n/t';
import {TitledCard} from '../components/TitledCard';

const STAGES: Stage[] = ['rendered', 'viewed', 'clicked', 'added', 'ordered'];
const CHARTED: Stage[] = ['viewed', 'clicked', 'added', 'ordered'];
const RANGES = ['7', '30', '90'];

const rate = (part: number, whole: number) => (whole > 0 ? formatPercent(part / whole) : '—');

/** What the blocks add (the holdout experiment), the funnel per block and per day, and attributed revenue. */
export function Analytics() {
  const [days, setDays] = useState('30');
  const [period, setPeriod] = useState<string>('');
  const analytics = useApi<AnalyticsResponse>(`/analytics?days=${days}`);
  const experiment = useApi<ExperimentResponse>(`/analytics/experiment${period ? `?period=${period}` : ''}`);
  if ((analytics.loading && !analytics.data) || (experiment.loading && !experiment.data)) return <PageSkeleton title={t('analytics.title')} />;
  const failed = analytics.error ?? experiment.error;
  if (failed || !analytics.data || !experiment.data) {
    const retry = () => Promise.all([analytics.reload(), experiment.reload()]).then(() => {});
    return <Page title={t('analytics.title')}><ErrorBanner error={failed!} onRetry={retry} /></Page>;
  }
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
        <Layout.Section>
          <ExperimentCard data={experiment.data} onPeriod={setPeriod} />
        </Layout.Section>
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
            {data.testOrdersLeftOut > 0 && (
              <Text as="p" tone="subdued" variant="bodySm">{t('analytics.revenue.testOrders', {orders: formatCount(data.testOrdersLeftOut)})}</Text>
            )}
          </TitledCard>
        </Layout.Section>
        {data.bundleDiscount.orders > 0 && (
          <Layout.Section>
            <TitledCard title={t('analytics.bundleDiscount.title')}>
              <Text as="p" variant="headingXl">{formatMoney(data.bundleDiscount.cost, currency)}</Text>
              <Text as="p" tone="subdued">
                {t('analytics.bundleDiscount.orders', {
                  orders: formatCount(data.bundleDiscount.orders), share: rate(data.bundleDiscount.orders, data.store.orders),
                  revenue: formatMoney(data.bundleDiscount.revenue, currency),
                })}
              </Text>
              <Text as="p" variant="bodySm" tone="subdued">{t('analytics.bundleDiscount.help')}</Text>
            </TitledCard>
          </Layout.Section>
        )}
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
          <HoldoutCard share={experiment.data.holdoutShare} onSaved={() => {
            setPeriod('');
            return experiment.reload();
          }} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** The holdout share, editable here because this is where its effect is read. */
function HoldoutCard({share, onSaved}: {share: number; onSaved(): Promise<void>}) {
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
      <InlineStack><Button onClick={() => void save()} loading={saving} disabled={value === Math.round(share * 100)}>{t('analytics.holdout.save')}</Button></InlineStack>
    </TitledCard>
  );
}

const signed = (text: string, x: number) => (x > 0 ? `+${text}` : text);
const signedPercent = (x: number) => signed(formatPercent(x), x);
const dayCount = (n: number) => formatNumber(Math.floor(n * 10) / 10);

/**
 * The holdout experiment for one period: each group's visitors, orders, conversion, revenue per visitor and
 * AOV; the uplift with its 95% interval once there are enough visitors; until the interval is informative,
 * "not enough data yet" with the visitors still needed (server/analytics/uplift.ts computes all of it).
 */
function ExperimentCard({data, onPeriod}: {data: ExperimentResponse; onPeriod(period: string): void}) {
  const {period, estimate} = data;
  if (!period || !estimate) {
    return <TitledCard title={t('analytics.experiment.title')}><Text as="p">{t('analytics.experiment.notStarted')}</Text></TitledCard>;
  }
  const currency = data.currency ?? null;
  const share = formatPercent(period.share);
  const money = (x: number) => signed(formatMoney(x, currency), x);
  const points = (x: number) => t('analytics.experiment.uplift.points', {value: signed(formatNumber(x * 100), x)});
  const arms = (['exposed', 'holdout'] as const).map((arm) => {
    const a = estimate[arm];
    return [
      arm === 'exposed' ? t('analytics.experiment.arms.exposed') : t('analytics.experiment.arms.holdout'),
      formatCount(a.visitors), formatCount(a.orders), formatPercent(a.conversionRate),
      formatMoney(a.revenuePerVisitor, currency), a.averageOrderValue === null ? '—' : formatMoney(a.averageOrderValue, currency),
    ];
  });
  const interval = (i: ExperimentInterval, format: (x: number) => string) => t('analytics.experiment.uplift.interval', {low: format(i.low), high: format(i.high)});
  const pending = t('analytics.experiment.uplift.pending', {min: formatCount(data.minVisitorsPerArm ?? 0)});
  const upliftRows = [
    [t('analytics.experiment.uplift.rpv'), estimate.revenuePerVisitor, money] as const,
    [t('analytics.experiment.uplift.conversion'), estimate.conversion, points] as const,
  ].map(([label, u, format]) => u
    ? [label, `${signedPercent(u.relative.estimate)} (${interval(u.relative, signedPercent)})`, `${format(u.absolute.estimate)} (${interval(u.absolute, format)})`]
    : [label, pending, '—']);
  const effect = formatPercent(estimate.power.effect);
  let verdict: {tone: 'info' | 'success'; text: string};
  if (estimate.informative) verdict = {tone: 'success', text: t('analytics.experiment.informative')};
  else if (estimate.power.visitorsStillNeeded) verdict = {tone: 'info', text: t('analytics.experiment.stillNeeded', {count: formatCount(estimate.power.visitorsStillNeeded), effect})};
  else if (estimate.revenuePerVisitor) verdict = {tone: 'info', text: t('analytics.experiment.wide', {effect})};
  else verdict = {tone: 'info', text: t('analytics.experiment.noHoldoutOrders')};
  const periodLabel = (p: ExperimentResponse['periods'][number]) =>
    t(p.endedAt ? 'analytics.experiment.periodOption' : 'analytics.experiment.periodRunning', {period: p.period, share: formatPercent(p.share), from: p.startedAt.slice(0, 10)});
  return (
    <TitledCard title={t('analytics.experiment.title')}>
      {data.periods.length > 1 && (
        <Select label={t('analytics.experiment.period')} value={String(period.period)} onChange={onPeriod}
          options={[...data.periods].reverse().map((p) => ({label: periodLabel(p), value: String(p.period)}))} />
      )}
      <Text as="p" tone="subdued" variant="bodySm">
        {period.endedAt
          ? t('analytics.experiment.summaryEnded', {days: dayCount(period.daysRunning), to: period.endedAt.slice(0, 10), share})
          : t('analytics.experiment.summary', {days: dayCount(period.daysRunning), share})}
      </Text>
      <Banner tone={verdict.tone}>{verdict.text}</Banner>
      <DataTable
        columnContentTypes={['text', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric']}
        headings={[t('analytics.experiment.arm'), t('analytics.experiment.visitors'), t('analytics.experiment.orders'), t('analytics.experiment.conversion'), t('analytics.experiment.rpv'), t('analytics.experiment.aov')]}
        rows={arms}
      />
      <Text as="h3" variant="headingSm">{t('analytics.experiment.uplift.title')}</Text>
      <DataTable
        columnContentTypes={['text', 'text', 'text']}
        headings={['', t('analytics.experiment.uplift.relative'), t('analytics.experiment.uplift.absolute')]}
        rows={upliftRows}
      />
      <Text as="p" variant="bodySm" tone="subdued">{t('analytics.experiment.help')}</Text>
      {data.bundleDiscount && <ExperimentDiscount discount={data.bundleDiscount} uplift={estimate.revenuePerVisitor?.absolute.estimate ?? null} currency={currency} />}
    </TitledCard>
  );
}

/**
 * The bundle discount inside the experiment: per group, the orders that got it and what it gave away per
 * visitor. Revenue per visitor is already after it, so the uplift is what the blocks bring in beyond what
 * the discount gives away; shown only once some order in the period got the discount.
 */
function ExperimentDiscount({discount, uplift, currency}: {discount: NonNullable<ExperimentResponse['bundleDiscount']>; uplift: number | null; currency: string | null}) {
  if (discount.exposed.orders + discount.holdout.orders === 0) return null;
  const extra = discount.exposed.perVisitor - discount.holdout.perVisitor;
  return (
    <>
      <Text as="h3" variant="headingSm">{t('analytics.experiment.discount.title')}</Text>
      <DataTable
        columnContentTypes={['text', 'numeric', 'numeric', 'numeric']}
        headings={[t('analytics.experiment.arm'), t('analytics.experiment.discount.orders'), t('analytics.experiment.discount.cost'), t('analytics.experiment.discount.perVisitor')]}
        rows={(['exposed', 'holdout'] as const).map((arm) => [
          t(`analytics.experiment.arms.${arm}`), formatCount(discount[arm].orders), formatMoney(discount[arm].cost, currency), formatMoney(discount[arm].perVisitor, currency),
        ])}
      />
      <Text as="p" variant="bodySm" tone="subdued">
        {uplift === null
          ? t('analytics.experiment.discount.net')
          : t('analytics.experiment.discount.versus', {extra: signed(formatMoney(extra, currency), extra), uplift: signed(formatMoney(uplift, currency), uplift)})}
      </Text>
    </>
  );
}
