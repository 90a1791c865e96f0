import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import express from 'express';
import type {NextFunction, Request, Response} from 'express';
import {offlineSession} from './auth/offline-session';
import {requireSessionToken} from './auth/session-token';
import type {AppContext} from './context';
import {apiRouter} from './routes/api';
import {proxyRouter} from './routes/proxy';
import {webhooksRouter} from './webhooks';

const ADMIN_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'app', 'dist');

/**
 * Builds the Express app (no listen: main.ts and the tests do that). Order matters: webhooks read their raw
 * body before any JSON parser could consume it.
 */
export function createApp(ctx: AppContext): express.Application {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  app.use('/webhooks', webhooksRouter(ctx));
  app.use('/proxy', proxyRouter(ctx, ctx.models));

  // The first verified session token of a shop is exchanged for its offline token, off the request path.
  const onVerified = (shop: Parameters<typeof offlineSession>[1], token: string) => {
    offlineSession(ctx, shop, token, ctx.onInstalled).catch((err) =>
      ctx.log('warn', 'token exchange failed', {shop, error: String(err)}),
    );
  };
  app.use('/api', requireSessionToken(ctx, onVerified), express.json({limit: '100kb'}));
  app.use('/api', apiRouter(ctx));
  app.use('/api', (_req, res) => void res.status(404).json({error: {code: 'not_found', message: 'no such route'}}));

  if (existsSync(join(ADMIN_DIST, 'index.html'))) {
    // The admin page is loaded inside Shopify admin's iframe.
    app.use((_req, res, next) => {
      res.setHeader('Content-Security-Policy', 'frame-ancestors https://*.myshopify.com https://admin.shopify.com;');
      next();
    });
    app.use(express.static(ADMIN_DIST, {index: false, maxAge: '1h'}));
    // Every other GET is a page of the single-page admin; App Bridge reads our api key from its meta tag.
    const page = readFileSync(join(ADMIN_DIST, 'index.html'), 'utf8').replaceAll('%SHOPIFY_API_KEY%', ctx.config.apiKey);
    app.get(/^\/(?!api\/|proxy\/|webhooks).*/, (_req, res) => void res.type('html').set('Cache-Control', 'no-store').send(page));
  }

  app.use((err: Error & {status?: number; type?: string}, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) ctx.log('error', 'request failed', {error: String(err), stack: err.stack});
    res.status(status).json({error: {code: status === 500 ? 'internal' : (err.type ?? 'bad_request'), message: status === 500 ? 'internal error' : err.message}});
  });
  return app;
}
