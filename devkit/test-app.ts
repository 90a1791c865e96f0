import {mkdtempSync, rmSync} from 'node:fs';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {randomBytes} from 'node:crypto';
import {closeServices, createApp, createServices} from '../server/app';
import type {ServiceOverrides} from '../server/app';
import type {Config} from '../server/config';
import type {Logger} from '../server/log';
import type {Services} from '../server/services';

export interface TestApp {
  url: string;
  services: Services;
  apiKey: string;
  secret: string;
  dataDir: string;
  /** Log lines the app wrote, for asserting that a rejection was logged. */
  logs: {level: string; msg: string; fields?: Record<string, unknown>}[];
  close(): Promise<void>;
}

/** The real app on a random loopback port with a fresh data dir: what every server test talks to over HTTP. */
export interface TestAppOptions extends ServiceOverrides {
  adminOrigin?: string;
  trainingConcurrency?: number;
  dataDir?: string;
  apiKey?: string;
  secret?: string;
  /** PAIRWISE_TRUSTED_PROXIES; unset: the default (one, Shopify's app proxy). */
  trustedProxies?: number;
}

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'pairwise-test-'));
  const apiKey = opts.apiKey ?? `test-key-${randomBytes(4).toString('hex')}`;
  const secret = opts.secret ?? randomBytes(24).toString('hex');
  const config: Config = {
    apiKey,
    apiSecret: secret,
    appUrl: new URL('http://127.0.0.1'),
    scopes: ['read_orders', 'read_products', 'write_products', 'write_app_proxy', 'write_discounts', 'write_pixels', 'read_customer_events'],
    port: 0,
    dataDir,
    adminOrigin: opts.adminOrigin,
    trainingConcurrency: opts.trainingConcurrency,
    trustedProxies: opts.trustedProxies,
  };
  const logs: TestApp['logs'] = [];
  const log: Logger = (level, msg, fields) => void logs.push({level, msg, fields});
  const services = createServices(config, log, {republish: opts.republish, onInstalled: opts.onInstalled, trainerEnv: opts.trainerEnv, readThreads: opts.readThreads});
  const server = createApp(services).listen(0, '127.0.0.1');
  // The test's own synchronous set-up (a 20k-product model written in one go) shares this event loop and can hold
  // it past Node's 5 s keep-alive. The server's idle timer and the test's next request on the same socket then race,
  // and the request fails with "other side closed" (seen once in a loaded CI run). An idle socket stays open here
  // until close().
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const {port} = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    apiKey,
    secret,
    dataDir,
    logs,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      closeServices(services);
      if (!opts.dataDir) rmSync(dataDir, {recursive: true, force: true});
    },
  };
}
