import {timingSafeEqual} from 'node:crypto';

/**
 * Whether a signature sent equals the one computed, in time that does not depend on where they differ (a length
 * that differs is no secret: every signature of a kind has one length). The one comparison of webhook HMACs,
 * app-proxy signatures and worker signatures.
 */
export function sameBytes(given: Uint8Array, expected: Uint8Array): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}
