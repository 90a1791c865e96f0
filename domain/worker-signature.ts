import {createHash, createHmac} from 'node:crypto';
import {sameBytes} from './same-bytes';

/**
 * The signature on every request between the app host and a training worker (`/internal/*`): an HMAC-SHA256,
 * keyed by the shared `PAIRWISE_WORKER_SECRET`, over the time, method, path with query and the body's SHA-256,
 * so a request cannot be replayed later, sent to another path, or given another body.
 */

export const SIGNATURE_HEADER = 'x-pairwise-signature';
export const TIMESTAMP_HEADER = 'x-pairwise-timestamp';

/** How far a request's time may be from the host's clock: a captured request is refused after this. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface SignedParts {
  method: string;
  /** Path and query as sent, e.g. `/internal/training/input?shop=a.myshopify.com&run=3`. */
  path: string;
  /** Milliseconds since the epoch, as the header carries it. */
  timestamp: string;
  body: Uint8Array;
}

export function workerSignature(secret: string, p: SignedParts): string {
  const bodyHash = createHash('sha256').update(p.body).digest('hex');
  return createHmac('sha256', secret).update(`${p.timestamp}\n${p.method.toUpperCase()}\n${p.path}\n${bodyHash}`).digest('hex');
}

/** The headers a worker sends with a request. */
export function signedHeaders(secret: string, method: string, path: string, body: Uint8Array = new Uint8Array(), now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  return {[TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: workerSignature(secret, {method, path, timestamp, body})};
}

export type SignatureCheck = {valid: true} | {valid: false; reason: string};

/** Checks a request's signature and time; a result, not an exception, for a refused request. */
export function verifyWorkerSignature(secret: string, p: Omit<SignedParts, 'timestamp'> & {timestamp: string | undefined; signature: string | undefined}, now = Date.now()): SignatureCheck {
  if (!p.signature || !p.timestamp) return {valid: false, reason: 'unsigned request'};
  if (!/^\d{1,16}$/.test(p.timestamp)) return {valid: false, reason: 'malformed timestamp'};
  if (Math.abs(now - Number(p.timestamp)) > MAX_CLOCK_SKEW_MS) return {valid: false, reason: 'stale or future timestamp'};
  const expected = Buffer.from(workerSignature(secret, {...p, timestamp: p.timestamp}), 'hex');
  const given = /^[0-9a-f]{64}$/.test(p.signature) ? Buffer.from(p.signature, 'hex') : Buffer.alloc(0);
  if (!sameBytes(given, expected)) return {valid: false, reason: 'bad signature'};
  return {valid: true};
}
