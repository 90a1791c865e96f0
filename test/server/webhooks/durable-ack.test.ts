import {spawn, spawnSync} from 'node:child_process';
import type {ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {orderPayload, sendWebhook, signedWebhook} from '../../../devkit/webhooks';
import {sessionToken} from '../../../devkit/session-token';
import {generateStore} from '../../../devkit/store-generator';

/**
 * "200 only once the delivery is on disk", watched from outside: the server runs under strace, and for every
 * acknowledged order the trace must show its WAL writes, then an fdatasync (or fsync) of the WAL that began
 * after them and finished, then the response. A crash test cannot see this (the page cache survives kill -9);
 * a power loss would.
 */
const HAS_STRACE = spawnSync('strace', ['-o', '/dev/null', 'true']).status === 0;
const SHOP = 'durable-ack.myshopify.com';
const DELIVERIES = 12;

interface Call {
  /** The thread that made it (the server's pid: its event loop). */
  tid: number;
  line: number;
  done: number;
  name: string;
  fd: string;
  text: string;
  /** What the call returned (`0`, a byte count, `-1 EIO ...`). */
  result: string;
}

/** Syscalls from an `strace -f -y -s` log, each with the line it began on and the line it finished on. */
function calls(log: string): Call[] {
  const out: Call[] = [];
  const open = new Map<string, Call>();
  log.split('\n').forEach((text, line) => {
    const resumed = /^(\d+) +<\.\.\. (\w+) resumed>/.exec(text);
    if (resumed) {
      const call = open.get(resumed[1]);
      if (call) Object.assign(call, {done: line, result: / = (.+)$/.exec(text)?.[1] ?? ''});
      open.delete(resumed[1]);
      return;
    }
    const m = /^(\d+) +(\w+)\((\d+<([^>]*)>)?/.exec(text);
    if (!m) return;
    const call = {tid: Number(m[1]), line, done: line, name: m[2], fd: m[4] ?? '', text, result: / = (.+)$/.exec(text)?.[1] ?? ''};
    if (text.endsWith('<unfinished ...>')) open.set(m[1], call);
    out.push(call);
  });
  return out;
}

describe.skipIf(!HAS_STRACE)('a webhook is acknowledged only after its commit is on disk', () => {
  let child: ChildProcess;
  let dir: string;
  let url: string;
  let serverPid: number;
  const secret = randomBytes(16).toString('hex');
  const apiKey = `durable-ack-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pw-durable-ack-'));
    child = spawn(
      'strace',
      ['-f', '-y', '-s', '24', '-e', 'trace=write,writev,pwrite64,pwritev,fsync,fdatasync', '-o', join(dir, 'trace.log'),
        process.execPath, '--import', 'tsx', join(import.meta.dirname, 'fixtures', 'serve.ts')],
      {env: {...process.env, PAIRWISE_DATA_DIR: join(dir, 'data'), SHOPIFY_API_KEY: apiKey, SHOPIFY_API_SECRET: secret}, stdio: ['ignore', 'pipe', 'inherit']},
    );
    [url, serverPid] = await new Promise<[string, number]>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c;
        const [u, pid] = out.trim().split(' ');
        if (out.includes('\n')) resolve([u, Number(pid)]);
      });
      child.once('exit', (code) => reject(new Error(`server exited: ${code}`)));
    });
  }, 60_000);

  afterAll(async () => {
    // The server, not strace: strace detaches on SIGTERM and would leave it running.
    if (child.exitCode === null) {
      process.kill(serverPid, 'SIGTERM');
      await new Promise((r) => child.once('close', r));
    }
    rmSync(dir, {recursive: true, force: true});
  });

  it(`holds for ${DELIVERIES} orders delivered one after another`, async () => {
    for (const order of generateStore({seed: 3, orders: DELIVERIES, products: 40}).orders()) {
      const res = await sendWebhook(`${url}/webhooks`, signedWebhook({topic: 'orders/create', shop: SHOP, secret, body: orderPayload(order)}));
      expect(res.status).toBe(200);
    }
    // Let strace write out the last lines.
    await new Promise((r) => setTimeout(r, 300));
    const trace = calls(readFileSync(join(dir, 'trace.log'), 'utf8'));
    const isWal = (c: Call) => c.fd.endsWith(`${SHOP}.db-wal`);
    const responses = trace.filter((c) => /^(write|writev)$/.test(c.name) && c.fd.startsWith('socket:') && c.text.includes('HTTP/1.1 200'));
    expect(responses).toHaveLength(DELIVERIES);
    let previous = -1;
    for (const response of responses) {
      const walWrites = trace.filter((c) => isWal(c) && /^pwrite/.test(c.name) && c.line > previous && c.line < response.line);
      expect(walWrites.length, 'the order was written to the WAL before its answer').toBeGreaterThan(0);
      const lastWrite = walWrites.at(-1)!.done;
      const synced = trace.some((c) => isWal(c) && /sync$/.test(c.name) && c.result === '0' && c.line > lastWrite && c.done < response.line);
      expect(synced, 'an fsync of the WAL began after the writes and finished before the answer').toBe(true);
      previous = response.line;
    }
  }, 60_000);

  it('holds for a settings save, whose fsync runs off the event loop', async () => {
    const save = async (maxItems: number) => {
      const token = await sessionToken({shop: SHOP, apiKey, secret});
      return fetch(`${url}/api/settings`, {method: 'PUT', headers: {Authorization: `Bearer ${token}`, 'Content-Type': 'application/json'}, body: JSON.stringify({maxItems})});
    };
    // The first save of a shop also starts its experiment period, a write of its own: not the one watched here.
    expect((await save(7)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const from = readFileSync(join(dir, 'trace.log'), 'utf8').split('\n').length;
    expect((await save(6)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const trace = calls(readFileSync(join(dir, 'trace.log'), 'utf8')).filter((c) => c.line >= from);
    const isShopFile = (c: Call) => c.fd.endsWith(`${SHOP}.db-wal`) || c.fd.endsWith(`${SHOP}.db`);
    const response = trace.find((c) => /^(write|writev)$/.test(c.name) && c.fd.startsWith('socket:') && c.text.includes('HTTP/1.1 200'))!;
    expect(response).toBeDefined();
    const walWrites = trace.filter((c) => isShopFile(c) && /^pwrite/.test(c.name) && c.line < response.line);
    expect(walWrites.length, 'the setting was written to the WAL before its answer').toBeGreaterThan(0);
    const syncs = trace.filter((c) => isShopFile(c) && /sync$/.test(c.name) && c.line < response.line);
    // With synchronous = FULL the commit itself fsyncs, on the thread that serves every shop's requests.
    expect(syncs.filter((c) => c.tid === serverPid), 'no fsync of the shop file on the event loop').toEqual([]);
    expect(syncs.some((c) => c.result === '0' && c.line > walWrites.at(-1)!.done && c.done < response.line), 'an fsync of the WAL began after the write and finished before the answer').toBe(true);
  }, 60_000);
});
