import type {RequestHandler} from 'express';
import type {Logger} from '../log';

/** An HMAC-SHA256 in base64: 32 bytes are 44 characters, the last one padding. */
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * What `/webhooks` refuses before it reads a body, each with the answer the full check gives after reading
 * (webhooks/index.ts, webhooks/verify.ts): no HMAC header (webhooks' or events deliveries' name,
 * https://shopify.dev/docs/apps/build/webhooks/subscribe/https) is 401 `missing_hmac`; one that is not a base64
 * SHA-256, and so can equal no HMAC, 401 `invalid_hmac`; a declared length over `limit`, 413. A request
 * without a body is left to the full check (it answers `missing_body`).
 */
export function webhookPreRead(limit: number, log: Logger): RequestHandler {
  return (req, res, next) => {
    const length = req.headers['content-length'];
    const hasBody = length !== undefined ? Number(length) > 0 : req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return next();
    // As the full check: an events delivery's header, when present, is the one that counts.
    const value = req.headers['shopify-hmac-sha256'] || req.headers['x-shopify-hmac-sha256'];
    const hmac = Array.isArray(value) ? value[0] : value;
    const reason = !hmac ? 'missing_hmac' : BASE64_SHA256.test(hmac) ? null : 'invalid_hmac';
    if (reason) {
      log('warn', 'webhook rejected', {reason, status: 401, before: 'reading the body'});
      return void res.status(401).json({error: reason});
    }
    if (Number(length) > limit) {
      log('warn', 'webhook rejected: body too large', {declared: Number(length)});
      return void res.status(413).json({error: 'payload too large'});
    }
    next();
  };
}
