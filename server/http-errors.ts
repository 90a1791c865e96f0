import type {ErrorRequestHandler} from 'express';
import {PairwiseError, ReadsBusy} from '../domain/errors';
import type {Logger} from './log';
import {fileFault} from '../storage/faults';
import {shopFileName} from '../storage/open';

/**
 * The one place an error becomes an HTTP answer: a PairwiseError with its own status and code, a client error
 * from Express's parsers (a 4xx `status`, e.g. malformed JSON) as itself, anything else as a logged 500 that
 * says nothing about the inside.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: Error & {status?: number; type?: string}, _req, res, _next) => {
    if (err instanceof PairwiseError) {
      // Busy is expected under load, not a fault: the client is told when to come back.
      if (err instanceof ReadsBusy) res.setHeader('Retry-After', String(err.retryAfterS));
      else if (err.status >= 500) log('error', 'request failed', {error: String(err)});
      res.status(err.status).json({error: {code: err.code, message: err.message}});
      return;
    }
    // A data file failed under a query (damaged past what opening reads, a disk error): 503, as ShopUnavailable.
    // SQLite does not say which file; a request scoped to a shop names the shop's, the likely one.
    const fault = fileFault(err);
    if (fault) {
      const shop: string | undefined = res.locals.shop ?? res.locals.proxyShop;
      const message = shop ? `${fault} (reading ${shopFileName(shop)})` : fault;
      log('error', 'request failed: data file unavailable', {shop: shop ?? null, error: message});
      res.status(503).json({error: {code: 'shop_unavailable', message}});
      return;
    }
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) log('error', 'request failed', {error: String(err), stack: err.stack});
    res.status(status).json({error: {code: status === 500 ? 'internal' : (err.type ?? 'bad_request'), message: status === 500 ? 'internal error' : err.message}});
  };
}
