/**
 * The holdout experiment's assignment: a visitor's arm follows from a hash of the shop's period salt and the
 * visitor's id against the holdout share. The storefront decides with the same function, inline in
 * extensions/pairwise/snippets/pairwise-experiment.liquid (test/domain/experiment.test.ts holds them equal), so
 * the server can re-derive the arm of any event or order from the visitor id alone and a forged arm changes nothing.
 */

export type Arm = 'exposed' | 'holdout';

/** What the storefront needs to assign visitors, published as the app-data metafield `pairwise.experiment`. */
export interface ExperimentPeriod {
  /** Increases by one each time the share or salt changes: arms are compared within one period only. */
  period: number;
  salt: string;
  /** Share of visitors held out, 0 to 0.5. */
  share: number;
}

/** A visitor id as the storefront makes it (crypto.randomUUID); anything else is not ours and is ignored. */
export const VISITOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * FNV-1a (32 bit) of `salt:visitorId`, as a number in [0, 1). Chosen because a dozen lines of ES5 compute it
 * identically in every browser before first paint; it is not a secret and does not need to be.
 */
export function assignmentBucket(salt: string, visitorId: string): number {
  const text = `${salt}:${visitorId}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 4294967296;
}

/** The arm of `visitorId` in a period: held out when its bucket falls below the share. */
export function armFor(period: Pick<ExperimentPeriod, 'salt' | 'share'>, visitorId: string): Arm {
  return assignmentBucket(period.salt, visitorId) < period.share ? 'holdout' : 'exposed';
}
