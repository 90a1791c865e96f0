/**
 * The battery runs in two sizes: `npm test` runs the short form (each case bounded to seconds, CI-friendly);
 * `npm run test:reliability` sets PAIRWISE_RELIABILITY=full for the bigger bursts and the 2-minute soak.
 */
export const FULL = process.env.PAIRWISE_RELIABILITY === 'full';

/** The short or the full size of a parameter. */
export function sized<T>(short: T, full: T): T {
  return FULL ? full : short;
}
