import type {RequestHandler} from 'express';

/**
 * Refuses a body whose declared Content-Length is over `limit` bytes before a byte of it is read. Express's
 * body parsers refuse the same body too, but only after reading (and discarding) all of it; this answers at
 * once. The error is the parsers' own (413, `entity.too.large`), so each route answers it as it answers theirs.
 * A body without a declared length (chunked) is left to the parser, which stops holding it at the limit.
 */
export function declaredWithin(limit: number): RequestHandler {
  return (req, _res, next) => {
    const declared = Number(req.headers['content-length']);
    if (!(declared > limit)) return next();
    next(Object.assign(new Error('request entity too large'), {status: 413, statusCode: 413, expose: true, type: 'entity.too.large', expected: declared, length: declared, limit}));
  };
}
