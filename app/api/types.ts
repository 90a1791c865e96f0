import type {CatalogProduct} from '../../domain/catalog';
import type {CustomerDataExport, DataRequestSummary} from '../../domain/data-requests';
import type {Settings} from '../../domain/settings';
import type {HiddenReason} from '../../domain/showability';
import type {ActiveModel, ModelBundle, RankedCompanion, TopPair, TrainRun} from '../../domain/model';

export type {CatalogProduct, CustomerDataExport, DataRequestSummary, HiddenReason, RankedCompanion, Settings, TrainRun};

/** The answers of the `/api` routes, as the page reads them. */
export interface Paged<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface StatusResponse {
  shop: string;
  orders: {orders: number; cancelled: number; first: string | null; last: string | null};
  products: {products: number; active: number};
  lastWebhook: {received_at: string; topic: string} | null;
  backfill: Record<'orders' | 'products', {status: string; objects_done: number; started_at: string; finished_at: string | null; error: string | null} | null>;
}

export interface Metrics {
  hr: number;
  precision: number;
  recall: number;
  ndcg: number;
  coverage: number;
}

export interface TrainingResponse {
  active: (ActiveModel & {report: {eval?: unknown; orders?: number; products?: number; pairs?: number}}) | null;
  runs: TrainRun[];
  running: TrainRun | null;
  /** Where the shop's next run stands in the training queue shared by all shops. */
  queue: {state: 'queued'; ahead: number} | {state: 'running'} | null;
}

export interface CompanionRow {
  companionId: number;
  pinned: boolean;
  hidden: HiddenReason;
  product: CatalogProduct | null;
  stats: RankedCompanion | null;
}

export interface RecommendationsResponse {
  product: CatalogProduct;
  productExcluded: boolean;
  model: {version: number; trainedAt: string; kind: string} | null;
  settings: Pick<Settings, 'maxItems' | 'minConfidence' | 'minLift'>;
  companions: CompanionRow[];
  /** The cart upsell with this product in the cart (the cart model's answer after the storefront's filters). */
  upsell: {product: CatalogProduct; score: number; pinned: boolean}[];
}

export interface BundlesResponse extends Paged<ModelBundle & {promoted: boolean; products: Pick<CatalogProduct, 'productId' | 'title'>[]}> {
  promoted: number[] | null;
  model: {version: number} | null;
}

export interface InsightsResponse {
  model: {version: number} | null;
  communities: {communityId: number; name: string | null; size: number; purchases: number; products: CatalogProduct[]}[];
  topPairs: (TopPair & {product: CatalogProduct | null; companion: CatalogProduct | null})[];
  withoutCompanions: {productId: number; orders: number; product: CatalogProduct | null}[];
}

export type Stage = 'rendered' | 'viewed' | 'clicked' | 'added' | 'ordered';
export type Funnel = Record<Stage, number> & {revenue: number};

/** Orders the bundle discount applied to, what it took off them, and what they brought in after it. */
export interface BundleDiscountTotals {
  orders: number;
  cost: number;
  revenue: number;
}

export interface AnalyticsResponse {
  from: string;
  to: string;
  days: {day: string; blocks: Record<string, Funnel>; bundleDiscount: BundleDiscountTotals}[];
  totals: Record<string, Funnel>;
  bundleDiscount: BundleDiscountTotals;
  store: {orders: number; revenue: number; currency: string | null};
  /** Test-mode orders in the range, left out of every number. */
  testOrdersLeftOut: number;
}

export interface ExperimentInterval {
  estimate: number;
  low: number;
  high: number;
}

export interface ExperimentArm {
  visitors: number;
  orders: number;
  conversionRate: number;
  revenuePerVisitor: number;
  averageOrderValue: number | null;
}

export interface ExperimentPeriodSummary {
  period: number;
  share: number;
  startedAt: string;
  endedAt: string | null;
}

/** GET /api/analytics/experiment (server/routes/api/analytics.ts, server/analytics/uplift.ts). */
export interface ExperimentResponse {
  periods: ExperimentPeriodSummary[];
  /** The share settings hold now (the running period's, once the experiment started). */
  holdoutShare: number;
  period: (ExperimentPeriodSummary & {daysRunning: number}) | null;
  currency?: string | null;
  /** Intervals are computed once each group has this many visitors. */
  minVisitorsPerArm?: number;
  estimate?: {
    exposed: ExperimentArm;
    holdout: ExperimentArm;
    conversion: {absolute: ExperimentInterval; relative: ExperimentInterval} | null;
    revenuePerVisitor: {absolute: ExperimentInterval; relative: ExperimentInterval} | null;
    power: {effect: number; visitorsNeeded: number | null; visitorsStillNeeded: number | null};
    informative: boolean;
  };
  /** Per group: orders that got the bundle discount, what it took off them, and that per visitor. */
  bundleDiscount?: Record<'exposed' | 'holdout', {orders: number; cost: number; perVisitor: number}>;
}

export type DataRequestsResponse = Paged<DataRequestSummary>;
