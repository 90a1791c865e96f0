import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Request, Response} from 'express';

const ROOT = join(import.meta.dirname, '..');
const APP_BRIDGE_CDN = /<script src="https:\/\/cdn\.shopify\.com\/shopifycloud\/app-bridge\.js"><\/script>/;

/**
 * The admin page as the demo serves it. Outside Shopify admin there is no App Bridge, so the CDN script is
 * replaced by the devkit stand-in, given a session token the demo minted with the app's secret. Everything
 * behind it (the built page, `/api/*` and its session-token guard) is the real app.
 */
export function demoAdminPage(opts: {apiKey: string; shop: string; token: () => string}) {
  const built = readFileSync(join(ROOT, 'app', 'dist', 'index.html'), 'utf8');
  const standin = readFileSync(join(ROOT, 'devkit', 'app-bridge-standin.js'), 'utf8');
  return {
    page(_req: Request, res: Response): void {
      const boot = `<script>window.__appBridgeStandin = ${JSON.stringify({token: opts.token(), shop: opts.shop})};</script>`;
      const html = built
        .replaceAll('%SHOPIFY_API_KEY%', opts.apiKey)
        .replace(APP_BRIDGE_CDN, `${boot}<script src="/demo/app-bridge-standin.js"></script>`);
      res.type('html').set('Cache-Control', 'no-store').send(html);
    },
    script(_req: Request, res: Response): void {
      res.type('application/javascript').send(standin);
    },
  };
}
