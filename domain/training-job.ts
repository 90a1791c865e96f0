/**
 * The seam between the app host and a training worker ([L]): the BullMQ queue's name, what a job carries, and
 * the app host's internal endpoints a worker calls (every request signed: worker-signature.ts).
 */

/** The BullMQ queue the app host adds to and every worker takes from. */
export const TRAINING_QUEUE_NAME = 'pairwise-training';

/** A job: the shop, and which of its queue entries (the app host's training_queue seq) it is for. */
export interface TrainingJobData {
  shop: string;
  seq: number;
}

/** One job per queue entry: re-adding the same entry (after Redis came back) is one job, a later entry another. */
export function trainingJobId(job: TrainingJobData): string {
  return `${job.seq}-${job.shop}`;
}

export function parseTrainingJobId(id: string): TrainingJobData | null {
  const m = /^(\d+)-(.+)$/.exec(id);
  return m ? {seq: Number(m[1]), shop: m[2]} : null;
}

export const INTERNAL_PATHS = {
  /** POST {shop, seq, worker} -> {runId}: the worker starts an attempt; 410 when the entry is gone. */
  begin: '/internal/training/begin',
  /** GET ?shop&run&file=orders|products -> the trainer's CSV input, gzip. */
  input: '/internal/training/input',
  /** POST {shop, run, stage, progress}: the trainer's progress lines, for the admin. */
  progress: '/internal/training/progress',
  /** POST ?shop&run, gzip JSON {files: {name: text}}: the result, verified and published. */
  result: '/internal/training/result',
  /** POST {shop, run, error}: this attempt failed on the worker (BullMQ may retry it). */
  failed: '/internal/training/failed',
} as const;

/** The result files a worker uploads: the trainer's CSV-mode outputs (communities.csv included) and the worker's product order counts. */
export const RESULT_FILES = ['recommendations.csv', 'pairs.csv', 'bundles.csv', 'cart.csv', 'communities.csv', 'product_orders.csv', 'report.json'] as const;
