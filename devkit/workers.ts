/** The parts of a BullMQ deployment ([L]) on one machine, for test/worker and bench/workers.ts: a real redis-server, the app with PAIRWISE_QUEUE, worker processes. */
import {spawn, spawnSync} from 'node:child_process';
import type {ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {createServer} from 'node:net';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {randomBytes} from 'node:crypto';
import {Redis} from 'ioredis';
import {closeServices, createApp, createInternalApp, createServices} from '../server/app';
import type {Config} from '../server/config';
import type {Logger} from '../server/log';
import type {Services} from '../server/services';

const ROOT = join(import.meta.dirname, '..');
export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p)) ?? (spawnSync('which', ['redis-server']).stdout?.toString().trim() || null);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A real redis-server on a loopback port, nothing saved to disk; `stop` and `start` again on the same port. */
export class RedisServer {
  private child: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const r = new RedisServer(await freePort());
    await r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(REDIS_SERVER!, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {stdio: 'ignore'});
    const client = new Redis(this.url, {lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null});
    client.on('error', () => {});
    for (let i = 0; i < 100; i++) {
      try {
        await client.connect();
        await client.ping();
        client.disconnect();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('redis-server did not answer');
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

export interface WorkerApp {
  /** The public port: webhooks, app proxy, admin. */
  url: string;
  /** The internal listener, as main.ts opens it: what workers call (`/internal/*`). */
  internalUrl: string;
  services: Services & {workers: NonNullable<Services['workers']>};
  config: Config;
  secret: string;
  dataDir: string;
  logs: {level: string; msg: string; fields?: Record<string, unknown>}[];
  close(): Promise<void>;
}

/** The real app with PAIRWISE_QUEUE set, its public and internal listeners on loopback ports, with a fresh data dir. */
export async function startWorkerApp(opts: {queueUrl: string; uploadBytes?: number; dataDir?: string}): Promise<WorkerApp> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'pairwise-workers-'));
  const secret = randomBytes(24).toString('hex');
  const config: Config = {
    apiKey: `test-key-${randomBytes(4).toString('hex')}`,
    apiSecret: randomBytes(24).toString('hex'),
    appUrl: new URL('http://127.0.0.1'),
    scopes: ['read_orders', 'read_products', 'write_products', 'write_app_proxy'],
    port: 0,
    dataDir,
    queueUrl: opts.queueUrl,
    workerSecret: secret,
    workerUploadBytes: opts.uploadBytes,
  };
  const logs: WorkerApp['logs'] = [];
  const log: Logger = (level, msg, fields) => void logs.push({level, msg, fields});
  const services = createServices(config, log, {republish: () => {}, onInstalled: () => {}});
  const server = createApp(services).listen(0, '127.0.0.1');
  const internal = createInternalApp(services as WorkerApp['services']).listen(0, '127.0.0.1');
  await Promise.all([server, internal].map((s) => new Promise<void>((resolve) => s.once('listening', resolve))));
  const port = (s: typeof server) => (s.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port(server)}`,
    internalUrl: `http://127.0.0.1:${port(internal)}`,
    services: services as WorkerApp['services'],
    config,
    secret,
    dataDir,
    logs,
    async close() {
      await services.workers?.queue.close();
      await Promise.all([server, internal].map((s) => new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      })));
      closeServices(services);
      if (!opts.dataDir) rmSync(dataDir, {recursive: true, force: true});
    },
  };
}

/** `npm run worker` as a process of its own (node with tsx's loader, so a kill reaches the worker itself). */
export class WorkerProcess {
  readonly output: string[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    app: Pick<WorkerApp, 'internalUrl' | 'secret'>,
    queueUrl: string,
    opts: {concurrency?: number; lockMs?: number; model?: 'stats' | 'full'; env?: Record<string, string>} = {},
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts', '--name', name, '--concurrency', String(opts.concurrency ?? 1), '--threads', '1', ...(opts.model ? ['--model', opts.model] : [])], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, PAIRWISE_QUEUE: queueUrl, PAIRWISE_APP_URL: app.internalUrl, PAIRWISE_WORKER_SECRET: app.secret, PAIRWISE_WORKER_LOCK_MS: String(opts.lockMs ?? 2_000), ...opts.env},
    });
    const keep = (chunk: Buffer) => void this.output.push(...chunk.toString().split('\n').filter(Boolean));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** Resolves once the worker says it is taking jobs. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.output.some((l) => l.includes('"worker ready"'))) {
      if (this.child.exitCode !== null || Date.now() > until) throw new Error(`worker ${this.name} did not start:\n${this.output.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}
