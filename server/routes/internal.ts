import {gunzip} from 'node:zlib';
import {promisify} from 'node:util';
import {constants as bufferConstants} from 'node:buffer';
import {pipeline} from 'node:stream/promises';
import express from 'express';
import type {NextFunction, Request, Response} from 'express';
import {z} from 'zod';
import {INTERNAL_PATHS, RESULT_FILES} from '../../domain/training-job';
import {BODY_HASH_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, bodyHash, verifyWorkerHeaders} from '../../domain/worker-signature';
import {parseShopDomain} from '../../storage/shop-domain';
import type {ShopDomain} from '../../storage/shop-domain';
import type {RemoteRuns, Refusal} from '../jobs/remote-runs';
import type {Logger} from '../log';
import {declaredWithin} from '../declared-length';
import {sendError} from './api/http';
import {SeenSignatures} from './internal-seen';

const gunzipAsync = promisify(gunzip);

export interface InternalRouterOptions {
  /** PAIRWISE_WORKER_SECRET: what signs every request. */
  secret: string;
  /** The largest body a worker may send, compressed (PAIRWISE_WORKER_UPLOAD_MB). */
  uploadBytes: number;
  runs: RemoteRuns;
  log: Logger;
}

/** A gzip body may grow this many times when inflated (CSV of ids and figures gzips 4-8x); past that it is refused. */
const INFLATE_FACTOR = 16;

const workerName = z.string().regex(/^[\w.@:-]{1,100}$/, 'letters, digits and . _ - @ : (at most 100)');
const shop = z.string().transform((s, ctx) => parseShopDomain(s) ?? (ctx.addIssue({code: 'custom', message: 'not a shop domain'}), z.NEVER));
const runId = z.coerce.number().int().positive();
const schemas = {
  begin: z.object({shop, seq: z.number().int().positive(), worker: workerName}),
  progress: z.object({shop, run: runId, stage: z.string().max(100), progress: z.number().finite()}),
  failed: z.object({shop, run: runId, error: z.string().max(10_000)}),
  input: z.object({shop, run: runId, file: z.enum(['orders', 'products'])}),
  result: z.object({shop, run: runId}),
  files: z.object({files: z.partialRecord(z.enum(RESULT_FILES), z.string())}).strict(),
};

const refused = (res: Response, r: Refusal) => sendError(res, r.status, r.status === 422 ? 'malformed_result' : 'refused', r.reason);

/** The JSON calls (begin, progress, failed) are small: a failure message is at most 10,000 characters. */
const JSON_BODY_BYTES = 64 * 1024;
/**
 * Result uploads read at once. Each holds its compressed body (up to PAIRWISE_WORKER_UPLOAD_MB) and its inflated
 * text (up to INFLATE_FACTOR times that, and never past a string's maximum), so the slots bound what uploads hold
 * at once; a third waits (503, Retry-After) and the worker sends it again.
 */
export const UPLOADS_AT_ONCE = 2;
/** Seconds a worker is asked to wait before it signs and sends again (503). */
const RETRY_AFTER_S = 5;

/**
 * Answers a refusal before the body is read. Nothing of the body is held: Node discards what the client still
 * sends (closing the connection instead would reset it under the answer, and the client would not see why).
 */
function refuseUnread(res: Response, status: number, code: string, message: string, retryAfterS?: number): void {
  if (retryAfterS !== undefined) res.set('Retry-After', String(retryAfterS));
  sendError(res, status, code, message);
}

/**
 * `/internal/*`: the endpoints training workers call (domain/training-job.ts INTERNAL_PATHS), served only on the
 * internal listener (PAIRWISE_INTERNAL_PORT), never on the public port. Trust comes from the HMAC of
 * PAIRWISE_WORKER_SECRET over time, method, path and the body's SHA-256, which the request carries in a header.
 * The order of the checks, each refusing before the next costs anything:
 *   1. signature headers present, well formed, time in the window, HMAC right (401), all before a byte is read;
 *   2. the signature not seen before (401), nor signed before this host started (503: sign again);
 *   3. a result upload takes one of UPLOADS_AT_ONCE slots (503 with Retry-After when none is free);
 *   4. the declared length within the route's limit (413), then the body read up to it (413 past it);
 *   5. the body's SHA-256 equal to the signed one (401), then its JSON or gzip and fields (400, 413, 422).
 */
export function internalRouter(opts: InternalRouterOptions): express.Router {
  const router = express.Router();
  const seen = new SeenSignatures();
  router.use((req: Request, res: Response, next: NextFunction) => {
    const signature = req.get(SIGNATURE_HEADER);
    const timestamp = req.get(TIMESTAMP_HEADER);
    const check = verifyWorkerHeaders(opts.secret, {method: req.method, path: req.originalUrl, timestamp, bodyHash: req.get(BODY_HASH_HEADER), signature});
    if (!check.valid) {
      opts.log('warn', 'internal request refused', {path: req.path, reason: check.reason, from: req.socket.remoteAddress});
      return void refuseUnread(res, 401, 'unauthorized', check.reason);
    }
    const taken = seen.take(signature!, Number(timestamp));
    if (taken === 'replayed') {
      opts.log('warn', 'internal request refused', {path: req.path, reason: 'replayed signature', from: req.socket.remoteAddress});
      return void refuseUnread(res, 401, 'unauthorized', 'replayed signature: a signed request takes effect once');
    }
    if (taken !== 'fresh') return void refuseUnread(res, 503, 'unavailable', taken === 'full' ? 'too many signed requests in the time window' : 'signed before this host started: sign it again', RETRY_AFTER_S);
    next();
  });

  let uploading = 0;
  const uploadSlot = (_req: Request, res: Response, next: NextFunction) => {
    if (uploading >= UPLOADS_AT_ONCE) return void refuseUnread(res, 503, 'busy', `${UPLOADS_AT_ONCE} result uploads are being read; send again later`, RETRY_AFTER_S);
    uploading++;
    res.once('close', () => uploading--);
    next();
  };
  const body = (limit: number) => [
    declaredWithin(limit),
    express.raw({type: () => true, limit}),
    (req: Request, res: Response, next: NextFunction) => {
      const read: Uint8Array = Buffer.isBuffer(req.body) ? req.body : new Uint8Array();
      if (bodyHash(read) !== req.get(BODY_HASH_HEADER)) return void sendError(res, 401, 'unauthorized', 'the body is not the one signed');
      req.body = read;
      next();
    },
  ];
  const small = body(JSON_BODY_BYTES);

  const json = <S extends z.ZodType>(req: Request, res: Response, schema: S): z.infer<S> | null => {
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(req.body as Buffer).toString('utf8'));
    } catch {
      sendError(res, 400, 'invalid_input', 'the body is not JSON');
      return null;
    }
    return query(res, schema, value);
  };
  const query = <S extends z.ZodType>(res: Response, schema: S, value: unknown): z.infer<S> | null => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    sendError(res, 400, 'invalid_input', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return null;
  };
  const route = (path: string) => path.slice('/internal'.length);

  router.post(route(INTERNAL_PATHS.begin), small, (req: Request, res: Response) => {
    const b = json(req, res, schemas.begin);
    if (!b) return;
    const r = opts.runs.begin(b.shop, b.seq, b.worker);
    if (!r.ok) return void refused(res, r);
    res.json({runId: r.runId});
  });

  router.get(route(INTERNAL_PATHS.input), small, async (req: Request, res: Response, next: NextFunction) => {
    const q = query(res, schemas.input, req.query);
    if (!q) return;
    const r = opts.runs.input(q.shop, q.run, q.file);
    if (!r.ok) return void refused(res, r);
    res.type('application/gzip');
    try {
      await pipeline(r.stream, res);
    } catch (err) {
      // The worker went away mid-download: its attempt fails there and is retried.
      if (!res.headersSent) next(err);
    }
  });

  router.post(route(INTERNAL_PATHS.progress), small, (req: Request, res: Response) => {
    const b = json(req, res, schemas.progress);
    if (!b) return;
    const r = opts.runs.progress(b.shop, b.run, b.stage, b.progress);
    if (!r.ok) return void refused(res, r);
    res.status(204).end();
  });

  router.post(route(INTERNAL_PATHS.failed), small, (req: Request, res: Response) => {
    const b = json(req, res, schemas.failed);
    if (!b) return;
    const r = opts.runs.failed(b.shop, b.run, b.error);
    if (!r.ok) return void refused(res, r);
    res.status(204).end();
  });

  router.post(route(INTERNAL_PATHS.result), uploadSlot, body(opts.uploadBytes), async (req: Request, res: Response) => {
    const q = query(res, schemas.result, req.query);
    if (!q) return;
    let text: string;
    try {
      const inflated = await gunzipAsync(req.body as Buffer, {maxOutputLength: Math.min(opts.uploadBytes * INFLATE_FACTOR, bufferConstants.MAX_STRING_LENGTH)});
      text = inflated.toString('utf8');
    } catch (err) {
      const big = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /larger than|maxOutputLength/i.test(String(err));
      return void sendError(res, big ? 413 : 400, big ? 'too_large' : 'invalid_input', big ? 'the result inflates past the upload limit' : 'the body is not gzip');
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return void sendError(res, 400, 'invalid_input', 'the result is not JSON');
    }
    const b = query(res, schemas.files, body);
    if (!b) return;
    const r = await opts.runs.accept(q.shop as ShopDomain, q.run, b.files);
    if (!r.ok) return void refused(res, r);
    res.json({version: r.version});
  });

  router.use((err: {type?: string; status?: number}, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === 'entity.too.large') return void refuseUnread(res, 413, 'too_large', `the body is over the route's ${(err as {limit?: number}).limit ?? opts.uploadBytes} byte limit (results: PAIRWISE_WORKER_UPLOAD_MB)`);
    next(err);
  });
  router.use((_req, res) => void sendError(res, 404, 'not_found', 'no such internal route'));
  return router;
}
