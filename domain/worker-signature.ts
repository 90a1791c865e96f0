import {createHash, createHmac} from 'node:crypto';
import {sameBytes} from './same-bytes';

/**
 * The signature on every request between the app host and a training worker (`/internal/*`): an HMAC-SHA256,
 * keyed by the shared `PAIRWISE_WORKER_SECRET`, over the time, method, path with query and the body's SHA-256,
 * so a request cannot be replayed later, sent to another path, or given another body. The body's SHA-256 also
 * travels in a header of its own, so the host checks the signature from the headers alone, before it reads a
 * byte of the body, and then checks that the body read is the one signed.
 */

export const SIGNATURE_HEADER = 'x-pairwise-signature';
export const TIMESTAMP_HEADER = 'x-pairwise-timestamp';
export const BODY_HASH_HEADER = 'x-pairwise-content-sha256';

/** How far a request's time may be from the host's clock: a captured request is refused after this. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface SignedParts {
  method: string;
  /** Path and query as sent, e.g. `/internal/training/input?shop=a.myshopify.com&run=3`. */
  path: string;
  /** Milliseconds since the epoch, as the header carries it. */
  timestamp: string;
  /** The body's SHA-256, lower-case hex. */
  bodyHash: string;
}

export const bodyHash = (body: Uint8Array): string => createHash('sha256').update(body).digest('hex');

export function workerSignature(secret: string, p: SignedParts): string {
  return createHmac('sha256', secret).update(`${p.timestamp}\n${p.method.toUpperCase()}\n${p.path}\n${p.bodyHash}`).digest('hex');
}

/** The headers a worker sends with a request. */
export function signedHeaders(secret: string, method: string, path: string, body: Uint8Array = new Uint8Array(), now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const hash = bodyHash(body);
  return {[TIMESTAMP_HEADER]: timestamp, [BODY_HASH_HEADER]: hash, [SIGNATURE_HEADER]: workerSignature(secret, {method, path, timestamp, bodyHash: hash})};
}

export type SignatureCheck = {valid: true} | {valid: false; reason: string};

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Checks a request's signed headers and time, before its body is read: a result, not an exception, for a
 * refused request. The cheap checks (present, well-formed, in the time window) come before the HMAC.
 */
export function verifyWorkerHeaders(
  secret: string,
  p: {method: string; path: string; timestamp: string | undefined; bodyHash: string | undefined; signature: string | undefined},
  now = Date.now(),
): SignatureCheck {
  if (!p.signature || !p.timestamp || !p.bodyHash) return {valid: false, reason: 'unsigned request'};
  if (!/^\d{1,16}$/.test(p.timestamp)) return {valid: false, reason: 'malformed timestamp'};
  if (!HEX64.test(p.bodyHash) || !HEX64.test(p.signature)) return {valid: false, reason: 'malformed signature'};
  if (Math.abs(now - Number(p.timestamp)) > MAX_CLOCK_SKEW_MS) return {valid: false, reason: 'stale or future timestamp'};
  const expected = Buffer.from(workerSignature(secret, {method: p.method, path: p.path, timestamp: p.timestamp, bodyHash: p.bodyHash}), 'hex');
  if (!sameBytes(Buffer.from(p.signature, 'hex'), expected)) return {valid: false, reason: 'bad signature'};
  return {valid: true};
}
