// The model's shapes as the admin reads them: storage fills them, the API sends them, the admin page shows them.

/** A companion the model ranked for a product, with the statistics that explain it. */
export interface RankedCompanion {
  companionId: number;
  rank: number;
  score: number;
  source: string;
  count: number;
  support: number;
  confidence: number;
  lift: number;
}
export interface ActiveModel {
  version: number;
  createdAt: string;
  activatedAt: string;
  kind: string;
  backend: string | null;
  report: Record<string, unknown>;
}

export interface ModelBundle {
  bundleId: number;
  productIds: number[];
  count: number;
  support: number;
  lift: number;
}

export interface TopPair extends RankedCompanion {
  productId: number;
}

export interface TrainRun {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  stage: string | null;
  progress: number;
  version: number | null;
  error: string | null;
}

/** A companion the model proposes for an anchor product, with what the merchant's thresholds need. */
export interface Candidate {
  id: number;
  score: number;
  confidence: number;
  lift: number;
}

/** One weight of the cart model: what a cart product adds to product `id`'s score (negative: "not with this"). */
export interface CartWeight {
  id: number;
  weight: number;
}
