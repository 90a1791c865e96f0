import {spawn} from 'node:child_process';
import type {ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {request} from 'node:http';
import type {OutgoingHttpHeaders} from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {INTERNAL_PATHS} from '../../domain/training-job';
import {SIGNATURE_HEADER, TIMESTAMP_HEADER, BODY_HASH_HEADER, signedHeaders} from '../../domain/worker-signature';
import {freePort, REDIS_SERVER, RedisServer} from '../../devkit/workers';

// The production server (server/main.ts, as `npm start` runs it) with PAIRWISE_QUEUE, in a process of its own so
// that its resident memory is its own: /internal/* answers on the internal listener only, and refuses unsigned
// uploads before reading them.

const ROOT = join(import.meta.dirname, '..', '..');
const UPLOAD_BYTES = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, 120);

/** The server's resident set, from the kernel (Linux), in MiB. */
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/**
 * POSTs a `bytes`-long body in 1 MiB chunks (one buffer reused, so the sender holds little), stopping when the
 * answer comes: what a refusal before reading costs the sender is the few chunks in flight.
 */
function stream(url: string, headers: OutgoingHttpHeaders, bytes: number): Promise<{status: number; body: string; sentMiB: number}> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const body = new Readable({
      read() {
        if (answered || sent >= bytes) return void this.push(null);
        sent += CHUNK.length;
        this.push(CHUNK);
      },
    });
    const req = request(url, {method: 'POST', headers: {...headers, 'content-length': bytes}});
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        resolve({status: res.statusCode!, body: text, sentMiB: sent / 1024 / 1024});
        req.destroy();
      });
    });
    req.on('error', (err) => void (answered || reject(err)));
    body.pipe(req);
  });
}

describe.skipIf(!REDIS_SERVER || process.platform !== 'linux')('the internal listener of the production server', () => {
  let redis: RedisServer;
  let server: ChildProcess;
  let publicUrl: string;
  let internalUrl: string;
  const output: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'pairwise-internal-'));
  const secret = randomBytes(24).toString('hex');

  beforeAll(async () => {
    redis = await RedisServer.start();
    const [port, internalPort] = [await freePort(), await freePort()];
    publicUrl = `http://127.0.0.1:${port}`;
    internalUrl = `http://127.0.0.1:${internalPort}`;
    server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        SHOPIFY_API_KEY: 'internal-listener',
        SHOPIFY_API_SECRET: randomBytes(24).toString('hex'),
        SHOPIFY_APP_URL: publicUrl,
        PORT: String(port),
        PAIRWISE_DATA_DIR: dataDir,
        PAIRWISE_QUEUE: redis.url,
        PAIRWISE_WORKER_SECRET: secret,
        PAIRWISE_INTERNAL_PORT: String(internalPort),
      },
    });
    const keep = (c: Buffer) => void output.push(c.toString());
    server.stdout!.on('data', keep);
    server.stderr!.on('data', keep);
    const until = Date.now() + 60_000;
    while (!output.join('').includes('pairwise internal listener')) {
      if (server.exitCode !== null || Date.now() > until) throw new Error(`the server did not start:\n${output.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 90_000);
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    await redis?.stop();
    rmSync(dataDir, {recursive: true, force: true});
  });

  it('listens on 127.0.0.1 by default, and the public port answers /internal/* with 404', async () => {
    expect(output.join('')).toMatch(/"host":"127\.0\.0\.1"/);
    const path = INTERNAL_PATHS.begin;
    const body = Buffer.from(JSON.stringify({shop: 'a.myshopify.com', seq: 1, worker: 'w'}));
    const onPublic = await fetch(publicUrl + path, {method: 'POST', headers: signedHeaders(secret, 'POST', path, body), body});
    expect(onPublic.status).toBe(404);
    // The same signed request reaches the workers' routes on the internal listener (no such queue entry: 410).
    const onInternal = await fetch(internalUrl + path, {method: 'POST', headers: signedHeaders(secret, 'POST', path, body), body});
    expect(onInternal.status).toBe(410);
  });

  it('large uploads without a valid signature are refused before they are read: the server\'s memory does not grow with them', async () => {
    const path = `${INTERNAL_PATHS.result}?shop=a.myshopify.com&run=1`;
    const now = Date.now();
    const forged = {[TIMESTAMP_HEADER]: String(now), [BODY_HASH_HEADER]: 'a'.repeat(64), [SIGNATURE_HEADER]: 'b'.repeat(64)};
    const cases: [string, OutgoingHttpHeaders, string][] = [
      ['unsigned', {}, 'unsigned request'],
      ['malformed timestamp', {...forged, [TIMESTAMP_HEADER]: 'yesterday'}, 'malformed timestamp'],
      ['malformed signature', {...forged, [SIGNATURE_HEADER]: 'zz'}, 'malformed signature'],
      ['outside the time window', {...forged, [TIMESTAMP_HEADER]: String(now - 6 * 60_000)}, 'stale or future timestamp'],
      ['forged signature', forged, 'bad signature'],
      ['signed with another secret', signedHeaders(randomBytes(24).toString('hex'), 'POST', path, CHUNK), 'bad signature'],
    ];
    const before = rssMiB(server.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(server.pid!))), 10);
    // Sent at once: together 6 x 64 MiB, what a server that reads first and checks after would hold at the same time.
    const answers = await Promise.all(cases.map(([, headers]) => stream(internalUrl + path, headers, UPLOAD_BYTES))).finally(() => clearInterval(sampler));
    answers.forEach((a, i) => {
      expect(a.status, cases[i][0]).toBe(401);
      expect((JSON.parse(a.body) as {error: {message: string}}).error.message, cases[i][0]).toBe(cases[i][2]);
      // Answered long before the 64 MiB were sent (the socket buffers hold a few MiB).
      expect(a.sentMiB, cases[i][0]).toBeLessThan(UPLOAD_BYTES / 1024 / 1024 / 2);
    });
    expect(peak - before).toBeLessThan(48);
  }, 60_000);
});
