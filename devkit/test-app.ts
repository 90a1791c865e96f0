import {mkdtempSync, rmSync} from 'node:fs';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {randomBytes} from 'node:crypto';
import {createApp} from '../server/app';
import type {Config} from '../server/config';
import {closeContext, createContext} from '../server/context';
import type {AppContext} from '../server/context';
import type {Logger} from '../server/log';

export interface TestApp {
  url: string;
  ctx: AppContext;
  apiKey: string;
  secret: string;
  dataDir: string;
  /** Log lines the app wrote, for asserting that a rejection was logged. */
  logs: {level: string; msg: string; fields?: Record<string, unknown>}[];
  close(): Promise<void>;
}

/** The real app on a random loopback port with a fresh data dir: what every server test talks to over HTTP. */
export async function startTestApp(opts: {adminOrigin?: string; dataDir?: string; apiKey?: string; secret?: string} = {}): Promise<TestApp> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'pairwise-test-'));
  const apiKey = opts.apiKey ?? `test-key-${randomBytes(4).toString('hex')}`;
  const secret = opts.secret ?? randomBytes(24).toString('hex');
  const config: Config = {
    apiKey,
    apiSecret: secret,
    appUrl: new URL('http://127.0.0.1'),
    scopes: ['read_orders', 'read_products', 'write_products', 'write_app_proxy'],
    port: 0,
    dataDir,
    adminOrigin: opts.adminOrigin,
  };
  const logs: TestApp['logs'] = [];
  const log: Logger = (level, msg, fields) => void logs.push({level, msg, fields});
  const ctx = createContext(config, log);
  const server = createApp(ctx).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const {port} = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ctx,
    apiKey,
    secret,
    dataDir,
    logs,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      closeContext(ctx);
      if (!opts.dataDir) rmSync(dataDir, {recursive: true, force: true});
    },
  };
}
