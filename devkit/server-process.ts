/**
 * The real server as a child process (`node --import tsx server/main.ts`), for tests that must kill it the
 * hard way: SIGKILL gives no chance to flush or close anything, exactly like a crash or an OOM kill.
 */
import {spawn} from 'node:child_process';
import type {ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, rmSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerProcess {
  url: string;
  port: number;
  apiKey: string;
  secret: string;
  dataDir: string;
  /** The running child's pid (changes on restart). */
  readonly pid: number;
  /** Everything the server wrote to stderr (its JSON log lines), across restarts. */
  readonly stderr: string;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
  /** Start again on the same port and data dir. */
  restart(): Promise<void>;
  /** Kill if running and delete the data dir (unless the caller passed its own). */
  close(): Promise<void>;
}

/** A free loopback port: bind to 0, read the port, release it. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Resolves once the server answers HTTP at all (any status): it has finished start-up and listens. */
async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited during start-up (${child.exitCode ?? child.signalCode}): ${stderr().slice(-2000)}`);
    }
    try {
      await fetch(`${url}/api/status`, {signal: AbortSignal.timeout(1000)});
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`server did not listen within ${timeoutMs} ms: ${stderr().slice(-2000)}`);
}

/** Starts the production entry point with a temp data dir (or `dataDir`) and fresh credentials. */
export async function startServerProcess(opts: {dataDir?: string; env?: Record<string, string>; startTimeoutMs?: number} = {}): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'pairwise-proc-'));
  const port = await freePort();
  const apiKey = `proc-key-${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(24).toString('hex');
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  let child: ChildProcess;

  const start = async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        SHOPIFY_API_KEY: apiKey,
        SHOPIFY_API_SECRET: secret,
        SHOPIFY_APP_URL: url,
        SCOPES: 'read_orders,read_products,write_products,write_app_proxy',
        PORT: String(port),
        PAIRWISE_DATA_DIR: dataDir,
        // Nothing here may reach the internet: Admin API calls go to a closed loopback port.
        PAIRWISE_ADMIN_ORIGIN: 'http://127.0.0.1:9',
        ...opts.env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      log += chunk;
    });
    await waitForHttp(url, child, opts.startTimeoutMs ?? 60_000, () => log);
  };

  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await gone;
  };

  await start();
  return {
    url,
    port,
    apiKey,
    secret,
    dataDir,
    get pid() {
      return child.pid ?? -1;
    },
    get stderr() {
      return log;
    },
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    close: async () => {
      await kill();
      if (!opts.dataDir) rmSync(dataDir, {recursive: true, force: true});
    },
  };
}
