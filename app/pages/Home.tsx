import {Banner, BlockStack, Button, Card, EmptyState, InlineGrid, InlineStack, Layout, List, Page, ProgressBar, Text} from '@shopify/polaris';
import {useEffect, useState} from 'react';
import {api, ApiError} from '../api/client';
import type {Metrics, StatusResponse, TrainingResponse} from '../api/types';
import {useApi} from '../api/useApi';
import {ErrorBanner, PageSkeleton} from '../components/Loading';
import {EMPTY_ILLUSTRATION} from '../components/illustration';
import {QualityChart} from '../components/QualityChart';
import {formatCount, formatDate, formatPercent, t} from '../i18n/t';
import {TitledCard} from '../components/TitledCard';

const POLL_MS = 2000;

/**
 * The report's `eval` as name -> metrics, whether the baselines sit beside the model or under `baselines`;
 * anything without a hit rate is left out rather than drawn as zero.
 */
function evaluationOf(raw: unknown): Record<string, Metrics> | null {
  if (!raw || typeof raw !== 'object') return null;
  const flat: Record<string, unknown> = {...(raw as Record<string, unknown>)};
  const nested = flat.baselines;
  delete flat.baselines;
  if (nested && typeof nested === 'object') Object.assign(flat, nested);
  const entries = Object.entries(flat).filter((e): e is [string, Metrics] => typeof (e[1] as Metrics | null)?.hr === 'number');
  return entries.some(([name]) => name === 'model') ? Object.fromEntries(entries) : null;
}

/** The best baseline by hit rate, the one the model has to beat to be worth trusting. */
function bestBaseline(evaluation: Record<string, Metrics>): [string, Metrics] | null {
  return Object.entries(evaluation).filter(([name]) => name !== 'model').sort((a, b) => b[1].hr - a[1].hr)[0] ?? null;
}

function Stat({label, value, help}: {label: string; value: string; help?: string}) {
  return (
    <BlockStack gap="100">
      <Text as="p" tone="subdued">{label}</Text>
      <Text as="p" variant="headingLg">{value}</Text>
      {help && <Text as="p" variant="bodySm" tone="subdued">{help}</Text>}
    </BlockStack>
  );
}

/** Home: is data arriving, is there a model, is it any good, and what to do next. */
export function Home() {
  const status = useApi<StatusResponse>('/status');
  const training = useApi<TrainingResponse>('/training');
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const running = training.data?.running ?? null;
  const queued = training.data?.queue?.state === 'queued' ? training.data.queue : null;

  useEffect(() => {
    if (!running && !queued) return;
    const timer = setInterval(() => void training.reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [running, queued, training]);

  if ((status.loading && !status.data) || (training.loading && !training.data)) return <PageSkeleton title={t('home.title')} />;
  if (status.error || !status.data) return <Page title={t('home.title')}><ErrorBanner error={status.error!} onRetry={status.reload} /></Page>;

  const retrain = async () => {
    setStarting(true);
    setStartError(null);
    try {
      await api('/training', {method: 'POST'});
      shopify.toast.show(t('home.model.started'));
      await training.reload();
    } catch (err) {
      setStartError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setStarting(false);
    }
  };

  const s = status.data;
  const active = training.data?.active ?? null;
  const evaluation = evaluationOf(active?.report.eval);
  const best = evaluation && bestBaseline(evaluation);
  const lastRun = training.data?.runs[0];

  if (s.orders.orders === 0) {
    return (
      <Page title={t('home.title')}>
        <Card>
          <EmptyState heading={t('home.empty.heading')} image={EMPTY_ILLUSTRATION}>
            <p>{t('home.empty.body')}</p>
            {s.backfill.orders && <p>{t('home.sync.backfill', {status: t(`backfill.${s.backfill.orders.status}`), done: formatCount(s.backfill.orders.objects_done)})}</p>}
          </EmptyState>
        </Card>
      </Page>
    );
  }

  return (
    <Page
      title={t('home.title')}
      primaryAction={{content: t('home.model.retrain'), onAction: retrain, loading: starting, disabled: running !== null || queued !== null}}
    >
      <Layout>
        {startError && <Layout.Section><Banner tone="critical" title={t('home.model.startFailed')}><p>{startError}</p></Banner></Layout.Section>}
        {lastRun?.status === 'failed' && (
          <Layout.Section>
            <Banner tone="warning" title={t('home.model.lastFailed')}><p>{lastRun.error ?? ''}</p></Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <TitledCard title={t('home.sync.title')} gap="400">
            <InlineGrid columns={{xs: 1, sm: 3}} gap="400">
              <Stat label={t('home.sync.orders')} value={formatCount(s.orders.orders)} help={s.orders.first && s.orders.last ? t('home.sync.range', {first: formatDate(s.orders.first), last: formatDate(s.orders.last)}) : undefined} />
              <Stat label={t('home.sync.products')} value={formatCount(s.products.products)} help={t('home.sync.active', {count: formatCount(s.products.active)})} />
              <Stat label={t('home.sync.lastWebhook')} value={s.lastWebhook ? formatDate(s.lastWebhook.received_at) : t('home.sync.never')} help={s.lastWebhook?.topic} />
            </InlineGrid>
            {(['orders', 'products'] as const).map((kind) => {
              const b = s.backfill[kind];
              return b && <Text as="p" key={kind} tone={b.status === 'failed' ? 'critical' : 'subdued'}>{t(`home.sync.backfill_${kind}`, {status: t(`backfill.${b.status}`), done: formatCount(b.objects_done)})}</Text>;
            })}
          </TitledCard>
        </Layout.Section>
        <Layout.Section>
          <TitledCard title={t('home.model.title')} gap="400">
            {active ? (
              <InlineGrid columns={{xs: 1, sm: 3}} gap="400">
                <Stat label={t('home.model.version')} value={`v${active.version}`} help={active.kind === 'model' ? undefined : t('home.model.baselinePublished', {kind: t(`baselines.${active.kind}`)})} />
                <Stat label={t('home.model.trained')} value={formatDate(active.createdAt)} />
                <Stat label={t('home.model.backend')} value={active.backend ?? '—'} />
              </InlineGrid>
            ) : (
              <Text as="p">{t('home.model.none')}</Text>
            )}
            {queued && <Text as="p">{t('home.model.queued', {ahead: formatCount(queued.ahead)})}</Text>}
            {running && (
              <BlockStack gap="200">
                <Text as="p">{t('home.model.progress', {stage: running.stage ?? '…', percent: formatPercent(running.progress)})}</Text>
                <ProgressBar progress={Math.round(running.progress * 100)} size="small" />
              </BlockStack>
            )}
          </TitledCard>
        </Layout.Section>
        {evaluation && (
          <Layout.Section>
            <TitledCard title={t('home.quality.title')} gap="400">
              <Text as="p">
                {t('home.quality.plain', {hr: formatPercent(evaluation.model.hr), coverage: formatPercent(evaluation.model.coverage)})}{' '}
                {best && (evaluation.model.hr >= best[1].hr
                  ? t('home.quality.better', {baseline: t(`baselines.${best[0]}`), hr: formatPercent(best[1].hr)})
                  : t('home.quality.worse', {baseline: t(`baselines.${best[0]}`), hr: formatPercent(best[1].hr)}))}
              </Text>
              <QualityChart evaluation={evaluation} />
              <Text as="p" variant="bodySm" tone="subdued">{t('home.quality.method')}</Text>
            </TitledCard>
          </Layout.Section>
        )}
        <Layout.Section>
          <TitledCard title={t('home.next.title')}>
            <List type="number">
              {!active && <List.Item>{t('home.next.train')}</List.Item>}
              <List.Item>{t('home.next.theme')}</List.Item>
              <List.Item>{t('home.next.review')}</List.Item>
              <List.Item>{t('home.next.holdout')}</List.Item>
            </List>
            <InlineStack gap="200">
              <Button url="/recommendations">{t('nav.recommendations')}</Button>
              <Button url="/analytics">{t('nav.analytics')}</Button>
            </InlineStack>
          </TitledCard>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
