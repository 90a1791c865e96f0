import {BarChart} from '@shopify/polaris-viz';
import type {Metrics} from '../api/types';
import {formatPercent, t} from '../i18n/t';

const METRICS: (keyof Metrics)[] = ['hr', 'precision', 'recall', 'ndcg'];

/** The model against each baseline on held-out orders, one group of bars per metric; the sentence above it says the same in words. */
export function QualityChart({evaluation}: {evaluation: Record<string, Metrics>}) {
  const names = Object.keys(evaluation);
  const data = names.map((name) => ({
    name: t(`baselines.${name}`) === `baselines.${name}` ? name : t(`baselines.${name}`),
    data: METRICS.map((m) => ({key: t(`metrics.${m}`), value: evaluation[name][m]})),
  }));
  return (
    <figure style={{height: 280, margin: 0}} aria-label={t('home.quality.chartLabel')} data-chart>
      <BarChart data={data} theme="Light" isAnimated={false} yAxisOptions={{labelFormatter: (v) => formatPercent(Number(v))}} />
    </figure>
  );
}
