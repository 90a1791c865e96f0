import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {gzipSync} from 'node:zlib';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {request} from 'node:http';
import {PRODUCT_ID_BASE, generateStore} from '../../devkit/store-generator';
import {seedShopFile} from '../../devkit/seed';
import {sessionToken} from '../../devkit/session-token';
import {sendWebhook, signedWebhook} from '../../devkit/webhooks';
import {INTERNAL_PATHS} from '../../domain/training-job';
import {UPLOADS_AT_ONCE} from '../../server/routes/internal';
import {signedHeaders} from '../../domain/worker-signature';
import {trainerEntry} from '../../server/jobs/trainer-bundle';
import {adminModelReads} from '../../storage/repos/model-admin';
import type {ShopDomain} from '../../storage/shop-domain';
import {REDIS_SERVER, RedisServer, startWorkerApp, WorkerProcess} from '../../devkit/workers';
import type {WorkerApp} from '../../devkit/workers';

// Trainings on BullMQ workers ([L]) with a real redis-server, real worker processes and the real app over HTTP.
if (!REDIS_SERVER) console.warn('test/worker: redis-server is not installed (apt-get install redis-server; .ci/run does): BullMQ worker tests skipped');

const shopName = (i: number | string) => `workers-${i}.myshopify.com` as ShopDomain;
const until = async (what: string, ok: () => boolean, timeoutMs = 30_000) => {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** What a shop's file says about its trainings: runs (oldest first), how many model versions exist, the active one's report. */
function trainings(app: WorkerApp, shop: ShopDomain) {
  const db = app.services.shopDbs.get(shop);
  const runs = adminModelReads(db).runs(20).reverse();
  const versions = (db.prepare('SELECT count(*) AS n FROM model_versions').get() as {n: number}).n;
  const active = db.prepare('SELECT a.version, v.kind, v.report FROM model_active a JOIN model_versions v USING (version)').get() as {version: number; kind: string; report: string} | undefined;
  return {runs, versions, active: active && {...active, report: JSON.parse(active.report) as {worker?: string; kind: string; gate: string}}};
}

/** A worker's signed call, made by the test as a worker would. */
function call(app: WorkerApp, method: 'GET' | 'POST', path: string, body?: Uint8Array, secret = app.secret, now = Date.now()) {
  return fetch(app.internalUrl + path, {method, headers: signedHeaders(secret, method, path, body, now), body: method === 'POST' ? new Uint8Array(body ?? []) : undefined});
}
const json = (v: unknown) => new Uint8Array(Buffer.from(JSON.stringify(v)));
/** Products of every generated store (devkit/store-generator.ts numbers them from PRODUCT_ID_BASE + 1). */
const [P1, P2, P3] = [1, 2, 3].map((n) => PRODUCT_ID_BASE + n);

/** A result of the right shape: one pair, no bundles, the gate's decision in the report. */
const resultFiles = (a: number, b: number) => ({
  'recommendations.csv': `product_id,rank,recommended_id,score\n${a},1,${b},0.5\n`,
  'pairs.csv': `product_id,rank,recommended_id,score,source,count,support,confidence,lift,jaccard,cosine,llr,embedding_sim\n${a},1,${b},0.5,cocount,3,0.1,0.5,2,0.3,0.4,1.5,\n`,
  'bundles.csv': 'bundle_id,product_ids,count,support,lift\n',
  'communities.csv': 'community_id,product_id\n',
  'product_orders.csv': `product_id,orders\n${a},6\n${b},5\n`,
  'report.json': JSON.stringify({kind: 'cocount', gate: 'published cocount', backend: 'none'}),
});

describe.skipIf(!REDIS_SERVER)('training on BullMQ workers', () => {
  let redis: RedisServer;
  let app: WorkerApp;
  const workers: WorkerProcess[] = [];
  // A lock this short is renewed every lockMs / 2; on a loaded machine a missed renewal hands a live job to another
  // worker (BullMQ counts it stalled), so only the kill test, which waits for the lock to expire, uses a short one.
  const startWorker = async (name: string, model?: 'stats' | 'full', lockMs = 10_000) => {
    const w = new WorkerProcess(name, app, redis.url, {lockMs, model});
    workers.push(w);
    await w.ready();
    return w;
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
    app = await startWorkerApp({queueUrl: redis.url, uploadBytes: 256 * 1024});
    await until('the app host to reach Redis', () => app.services.training.paused?.() === null);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await app?.close();
    await redis?.stop();
  });

  it('2 worker processes train 20 shops to completion, each model published once, a merchant before the schedule', async () => {
    const shops = Array.from({length: 20}, (_, i) => shopName(i));
    shops.forEach((shop, i) => seedShopFile(app.dataDir, shop, generateStore({seed: i + 1, orders: 80, products: 15})).close());
    // Queued before any worker runs: the queue's order is the app host's, priority first.
    for (const shop of shops.slice(0, 19)) expect(app.services.training.start(shop, 'schedule')).toMatchObject({started: false, queued: true});
    expect(app.services.training.start(shops[19], 'merchant')).toMatchObject({queued: true, ahead: 0});
    expect(app.services.training.position(shops[0])).toEqual({state: 'queued', ahead: 1});
    expect(app.services.training.start(shops[0])).toMatchObject({started: false, reason: expect.stringContaining('already queued')});
    // w1 alone first, so the first job taken is plainly the one the queue put first.
    const w1 = await startWorker('w1', 'stats');
    await startWorker('w2', 'stats');
    await Promise.all(shops.map((shop) => app.services.training.done(shop)));

    const seen = new Set<string>();
    for (const shop of shops) {
      const t = trainings(app, shop);
      expect(t.runs.map((r) => [r.status, r.error])).toEqual([['published', null]]);
      expect(t.versions).toBe(1);
      expect(t.active?.version).toBe(t.runs[0].version);
      // The gate's decision came with the result, as DB mode stores it.
      expect(t.active?.kind).toBe(t.active?.report.kind);
      seen.add(t.active!.report.worker!);
      expect(app.services.training.position(shop)).toBeNull();
    }
    expect([...seen].sort()).toEqual(['w1', 'w2']);
    // The merchant's shop was the first job taken.
    const first = JSON.parse(w1.output.find((l) => l.includes('"job started"'))!) as {shop: string};
    expect(first.shop).toBe(shops[19]);
  }, 90_000);

  it('a worker killed (SIGKILL) mid-job: its lock expires, the job completes on the other worker, no partial publish', async () => {
    const shop = shopName('killed');
    seedShopFile(app.dataDir, shop, generateStore({seed: 99, orders: 400, products: 40})).close();
    // Full model: a job long enough to be killed in.
    await Promise.all(workers.map((w) => w.stop()));
    workers.length = 0;
    const a = await startWorker('full-a', 'full', 2_500);
    const b = await startWorker('full-b', 'full', 2_500);
    app.services.training.start(shop, 'merchant');
    await until('a worker to take the job', () => app.services.training.position(shop)?.state === 'running');
    const holder = (app.services.training.position(shop) as {worker: string}).worker;
    const [victim, survivor] = holder === a.name ? [a, b] : [b, a];
    // Into the training itself: past fetching the input.
    await until('the trainer to report progress', () => !trainings(app, shop).runs.at(-1)?.stage?.startsWith('fetch'));
    victim.child.kill('SIGKILL');
    await victim.exited;
    await app.services.training.done(shop);

    const t = trainings(app, shop);
    expect(t.runs.map((r) => r.status)).toEqual(['failed', 'published']);
    expect(t.runs[0].error).toContain(`worker ${victim.name} stopped before finishing: retried on ${survivor.name}`);
    expect(t.versions).toBe(1);
    expect(t.active).toMatchObject({version: t.runs[1].version, report: {worker: survivor.name}});
  }, 90_000);

  it('publishes the model DB mode publishes for the same shop (scores and statistics to the CSV\'s six significant digits)', async () => {
    const shop = shopName('same');
    seedShopFile(app.dataDir, shop, generateStore({seed: 3, orders: 300, products: 40})).close();
    const db = app.services.shopDbs.get(shop);
    const six = (x: number | null) => (x === null ? null : Number(x.toPrecision(6)));
    const active = () => {
      const v = '(SELECT version FROM model_active)';
      type Pair = {product_id: number; rank: number; companion_id: number; source: string; count: number; score: number; lift: number};
      const pairs = db.prepare(`SELECT product_id, rank, companion_id, source, count, score, lift FROM model_pairs WHERE version = ${v} ORDER BY 1, 2`).all() as Pair[];
      return {
        kind: db.prepare(`SELECT kind FROM model_versions WHERE version = ${v}`).get(),
        pairs: pairs.map((p) => ({...p, score: six(p.score), lift: six(p.lift)})),
        cart: db.prepare(`SELECT product_id, companion_id, weight FROM model_cart WHERE version = ${v} ORDER BY 1, 2`).all(),
        bundles: db.prepare(`SELECT product_ids, count FROM model_bundles WHERE version = ${v} ORDER BY bundle_id`).all(),
        orders: db.prepare(`SELECT product_id, orders FROM model_product_orders WHERE version = ${v} ORDER BY 1`).all(),
        // Communities by their members (a community's number is the trainer's), and what Insights shows of the version.
        communities: (db.prepare(`SELECT group_concat(product_id) AS members FROM (SELECT * FROM model_communities WHERE version = ${v} ORDER BY product_id) GROUP BY community_id ORDER BY 1`).all() as {members: string}[]).map((c) => c.members),
        insightPairs: db.prepare(`SELECT position, product_id, companion_id, count FROM model_insight_pairs WHERE version = ${v} ORDER BY position`).all(),
      };
    };
    /** GET /api/insights over HTTP, as the admin page asks it: communities by name, size and shown products; pairs by ids. */
    const insights = async () => {
      const token = await sessionToken({shop, apiKey: app.config.apiKey, secret: app.config.apiSecret});
      const res = await fetch(`${app.url}/api/insights`, {headers: {authorization: `Bearer ${token}`}});
      expect(res.status).toBe(200);
      const body = (await res.json()) as {communities: {name: string | null; size: number; products: {productId: number}[]}[]; topPairs: {productId: number; companionId: number}[]};
      return {
        communities: body.communities.map((c) => [c.name, c.size, c.products.map((p) => p.productId)]),
        topPairs: body.topPairs.map((p) => [p.productId, p.companionId]),
      };
    };
    const local = spawn(process.execPath, [trainerEntry(), '--shop', shop, '--data-dir', app.dataDir, '--threads', '1'], {stdio: 'ignore'});
    expect(await new Promise((r) => local.once('exit', r))).toBe(0);
    const dbMode = active();
    expect(dbMode.pairs.length).toBeGreaterThan(100);
    const dbModeInsights = await insights();
    expect(dbModeInsights.communities.length).toBeGreaterThan(1);
    expect(dbModeInsights.topPairs.length).toBeGreaterThan(1);
    await Promise.all(workers.map((w) => w.stop()));
    workers.length = 0;
    await startWorker('same', 'full');
    app.services.training.start(shop);
    await app.services.training.done(shop);
    expect(trainings(app, shop).active?.report.worker).toBe('same');
    expect(active()).toEqual(dbMode);
    // The worker's version carries its communities: Insights names and shows them as for DB mode's version.
    expect(await insights()).toEqual(dbModeInsights);
  }, 60_000);

  describe('uploads that are refused', () => {
    let shop: ShopDomain;
    let runId: number;
    beforeAll(async () => {
      // No worker runs now: the test takes the job's place as a worker would.
      await Promise.all(workers.map((w) => w.stop()));
      workers.length = 0;
      shop = shopName('uploads');
      seedShopFile(app.dataDir, shop, generateStore({seed: 7, orders: 60, products: 10})).close();
      app.services.training.start(shop, 'merchant');
      const seq = app.services.workers.queue.entry(shop)!.seq;
      const res = await call(app, 'POST', INTERNAL_PATHS.begin, json({shop, seq, worker: 'test-worker'}));
      expect(res.status).toBe(200);
      runId = ((await res.json()) as {runId: number}).runId;
      expect(app.services.training.position(shop)).toEqual({state: 'running', worker: 'test-worker'});
    });
    const resultPath = () => `${INTERNAL_PATHS.result}?shop=${shop}&run=${runId}`;
    const good = () => gzipSync(JSON.stringify({files: resultFiles(P1, P2)}));

    it.each([
      ['unsigned', async () => fetch(app.internalUrl + resultPath(), {method: 'POST', body: good()}), 401, 'unsigned request'],
      ['signed with another secret', async () => call(app, 'POST', resultPath(), good(), randomBytes(24).toString('hex')), 401, 'bad signature'],
      ['signed for another body', async () => {
        const headers = signedHeaders(app.secret, 'POST', resultPath(), gzipSync(JSON.stringify({files: resultFiles(P1, P3)})));
        return fetch(app.internalUrl + resultPath(), {method: 'POST', headers, body: good()});
      }, 401, 'the body is not the one signed'],
      ['signed for another shop', async () => {
        const headers = signedHeaders(app.secret, 'POST', resultPath().replace(shop, shopName(0)), good());
        return fetch(app.internalUrl + resultPath(), {method: 'POST', headers, body: good()});
      }, 401, 'bad signature'],
      ['replayed ten minutes later', async () => call(app, 'POST', resultPath(), good(), app.secret, Date.now() - 10 * 60_000), 401, 'stale or future timestamp'],
      ['over the upload limit', async () => call(app, 'POST', resultPath(), randomBytes(300 * 1024)), 413, 'byte limit'],
      ['a gzip bomb', async () => call(app, 'POST', resultPath(), gzipSync(Buffer.alloc(64 * 1024 * 1024, 32))), 413, 'inflates past'],
      ['not gzip', async () => call(app, 'POST', resultPath(), json({files: {}})), 400, 'not gzip'],
    ])('%s: refused with its status and why, nothing published, the attempt still open', async (_case, send, status, message) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(((await res.json()) as {error: {message: string}}).error.message).toContain(message);
      expect(trainings(app, shop)).toMatchObject({versions: 0, runs: [{id: runId, status: 'running'}]});
    });

    it('a malformed file: 422 naming what is wrong, the run failed, the shop out of the queue', async () => {
      const files = {...resultFiles(P1, P2), 'pairs.csv': 'product_id,rank,recommended_id,score,source,count,support,confidence,lift,jaccard,cosine,llr,embedding_sim\n101,1,102,not-a-score,cocount,3,0.1,0.5,2,0.3,0.4,1.5,\n'};
      const res = await call(app, 'POST', resultPath(), gzipSync(JSON.stringify({files})));
      expect(res.status).toBe(422);
      expect(((await res.json()) as {error: {message: string}}).error.message).toBe('pairs.csv row 2: "not-a-score" is not a number');
      expect(trainings(app, shop)).toMatchObject({versions: 0, runs: [{id: runId, status: 'failed', error: expect.stringContaining('not a number')}]});
      expect(app.services.training.position(shop)).toBeNull();
    });

    it('a result for older input than the active model is refused (409); the same result for the newest input is published', async () => {
      app.services.training.start(shop, 'merchant');
      const seq = app.services.workers.queue.entry(shop)!.seq;
      const begun = (await (await call(app, 'POST', INTERNAL_PATHS.begin, json({shop, seq, worker: 'slow-worker'}))).json()) as {runId: number};
      // Meanwhile the shop is trained in DB mode (the operator's `npm run train -- --shop`): a later run, newer input.
      const db = spawn(process.execPath, [trainerEntry(), '--shop', shop, '--data-dir', app.dataDir, '--model', 'stats'], {stdio: 'ignore'});
      expect(await new Promise((r) => db.once('exit', r))).toBe(0);
      const before = trainings(app, shop);
      expect(before.versions).toBe(1);

      const stale = await call(app, 'POST', `${INTERNAL_PATHS.result}?shop=${shop}&run=${begun.runId}`, good());
      expect(stale.status).toBe(409);
      expect(((await stale.json()) as {error: {message: string}}).error.message).toMatch(/^stale result: the active model was trained on newer input/);
      expect(trainings(app, shop).active?.version).toBe(before.active?.version);

      // The same files from an attempt that started after it are published.
      app.services.training.start(shop, 'merchant');
      const next = (await (await call(app, 'POST', INTERNAL_PATHS.begin, json({shop, seq: app.services.workers.queue.entry(shop)!.seq, worker: 'test-worker'}))).json()) as {runId: number};
      const ok = await call(app, 'POST', `${INTERNAL_PATHS.result}?shop=${shop}&run=${next.runId}`, good());
      expect(ok.status).toBe(200);
      const after = trainings(app, shop);
      expect(after.active).toMatchObject({kind: 'cocount', report: {worker: 'test-worker'}});
      expect(after.runs.at(-1)).toMatchObject({id: next.runId, status: 'published', version: after.active?.version});
      // The superseded attempt cannot publish afterwards either.
      const late = await call(app, 'POST', `${INTERNAL_PATHS.result}?shop=${shop}&run=${begun.runId}`, good());
      expect(late.status).toBe(409);
    });
  });

  describe('a signed request takes effect once, and a result names only the shop\'s products', () => {
    let shop: ShopDomain;
    beforeAll(async () => {
      await Promise.all(workers.map((w) => w.stop()));
      workers.length = 0;
      shop = shopName('trust');
      seedShopFile(app.dataDir, shop, generateStore({seed: 11, orders: 60, products: 10})).close();
    });
    /** Queues the shop and opens an attempt as a worker does; the begin's exact request is returned for replaying. */
    const begin = async (worker: string) => {
      app.services.training.start(shop, 'merchant');
      const body = json({shop, seq: app.services.workers.queue.entry(shop)!.seq, worker});
      const headers = signedHeaders(app.secret, 'POST', INTERNAL_PATHS.begin, body);
      const res = await fetch(app.internalUrl + INTERNAL_PATHS.begin, {method: 'POST', headers, body});
      expect(res.status).toBe(200);
      return {runId: ((await res.json()) as {runId: number}).runId, replay: () => fetch(app.internalUrl + INTERNAL_PATHS.begin, {method: 'POST', headers, body})};
    };
    const upload = (runId: number, files: Record<string, string>) => call(app, 'POST', `${INTERNAL_PATHS.result}?shop=${shop}&run=${runId}`, gzipSync(JSON.stringify({files})));

    it('a captured begin replayed within its window changes nothing; the honest worker\'s progress and result succeed', async () => {
      const {runId, replay} = await begin('honest-worker');
      for (let i = 0; i < 2; i++) {
        const again = await replay();
        expect(again.status).toBe(401);
        expect(((await again.json()) as {error: {message: string}}).error.message).toMatch(/^replayed signature/);
      }
      expect(trainings(app, shop).runs.at(-1)).toMatchObject({id: runId, status: 'running'});
      expect(app.services.training.position(shop)).toEqual({state: 'running', worker: 'honest-worker'});
      expect((await call(app, 'POST', INTERNAL_PATHS.progress, json({shop, run: runId, stage: 'pairs', progress: 0.5}))).status).toBe(204);
      const res = await upload(runId, resultFiles(P1, P2));
      expect(res.status).toBe(200);
      expect(trainings(app, shop).runs.at(-1)).toMatchObject({id: runId, status: 'published'});
      // Replayed after the result, it opens no new attempt either.
      expect((await replay()).status).toBe(401);
      expect(app.services.training.position(shop)).toBeNull();
    });

    const stranger = 9_100_000_000_123;
    const header = {
      recs: 'product_id,rank,recommended_id,score\n',
      pairs: 'product_id,rank,recommended_id,score,source,count,support,confidence,lift,jaccard,cosine,llr,embedding_sim\n',
    };
    const pairRow = (a: number, b: number) => `${a},1,${b},0.5,cocount,3,0.1,0.5,2,0.3,0.4,1.5,\n`;
    it.each([
      ['a recommended product (recommendations.csv and pairs.csv)', {'recommendations.csv': `${header.recs}${P1},1,${stranger},0.5\n`, 'pairs.csv': header.pairs + pairRow(P1, stranger)}, 'pairs.csv row 2'],
      ['an anchor product', {'recommendations.csv': `${header.recs}${P1},1,${P2},0.5\n${stranger},1,${P1},0.5\n`, 'pairs.csv': header.pairs + pairRow(P1, P2) + pairRow(stranger, P1)}, 'pairs.csv row 3'],
      ['a bundle member', {'bundles.csv': `bundle_id,product_ids,count,support,lift\n1,"[""${P1}"",""${P2}"",""${stranger}""]",3,0.1,2\n`}, 'bundles.csv row 2'],
      ['a cart weight\'s companion', {'cart.csv': `product_id,recommended_id,weight\n${P1},${P2},0.4\n${P2},${stranger},-0.2\n`}, 'cart.csv row 3'],
      ['a cart weight\'s product', {'cart.csv': `product_id,recommended_id,weight\n${stranger},${P2},0.4\n`}, 'cart.csv row 2'],
      ['an order count', {'product_orders.csv': `product_id,orders\n${P1},6\n${stranger},5\n`}, 'product_orders.csv row 3'],
    ])('a result naming another shop\'s product in %s: 422 naming it, nothing published', async (_case, files, where) => {
      const before = trainings(app, shop);
      const {runId} = await begin('careless-worker');
      const res = await upload(runId, {...resultFiles(P1, P2), ...files});
      expect(res.status).toBe(422);
      expect(((await res.json()) as {error: {message: string}}).error.message).toBe(`${where}: product ${stranger} is not a product of ${shop}`);
      const after = trainings(app, shop);
      expect(after.versions).toBe(before.versions);
      expect(after.active?.version).toBe(before.active?.version);
      expect(after.runs.at(-1)).toMatchObject({id: runId, status: 'failed'});
      expect(app.services.training.position(shop)).toBeNull();
    });

    it(`result uploads read at once are bounded: past ${UPLOADS_AT_ONCE}, 503 with Retry-After, and the held ones finish`, async () => {
      const {runId} = await begin('busy-worker');
      const path = `${INTERNAL_PATHS.result}?shop=${shop}&run=${runId}`;
      const body = gzipSync(JSON.stringify({files: resultFiles(P1, P3)}));
      // Each held upload sends its signed headers and half its body, then waits: the host is reading it.
      const held = Array.from({length: UPLOADS_AT_ONCE}, () => {
        const req = request(app.internalUrl + path, {method: 'POST', headers: {...signedHeaders(app.secret, 'POST', path, body), 'content-length': body.length}});
        const answered = new Promise<number>((resolve, reject) => {
          req.on('response', (r) => (r.resume(), resolve(r.statusCode!)));
          req.on('error', reject);
        });
        req.write(body.subarray(0, body.length >> 1));
        return {finish: () => req.end(body.subarray(body.length >> 1)), answered};
      });
      // Loopback delivers their headers in milliseconds; half a second leaves room on a loaded machine.
      await new Promise((r) => setTimeout(r, 500));
      const busy = await call(app, 'POST', path, body);
      expect(busy.status).toBe(503);
      expect(busy.headers.get('retry-after')).toMatch(/^\d+$/);
      held.forEach((h) => h.finish());
      // One publishes; the other is the same run's second upload, answered as the first.
      expect(await Promise.all(held.map((h) => h.answered))).toEqual(held.map(() => 200));
      expect(trainings(app, shop).runs.at(-1)).toMatchObject({id: runId, status: 'published'});
    });

    it('the public port never answers /internal/*', async () => {
      for (const [method, path] of [['POST', INTERNAL_PATHS.begin], ['GET', `${INTERNAL_PATHS.input}?shop=${shop}&run=1&file=orders`], ['POST', INTERNAL_PATHS.result]] as const) {
        const body = method === 'POST' ? json({shop, seq: 1, worker: 'x'}) : undefined;
        const res = await fetch(app.url + path, {method, headers: signedHeaders(app.secret, method, path, body), body});
        expect(res.status).toBe(404);
      }
      // Nor does the internal listener answer the public routes.
      expect((await fetch(`${app.internalUrl}/webhooks`, {method: 'POST', body: '{}'})).status).toBe(404);
    });
  });

  it('Redis stopped: the app serves webhooks and the admin, reports training paused, and resumes when Redis returns', async () => {
    const shop = shopName('outage');
    seedShopFile(app.dataDir, shop, generateStore({seed: 5, orders: 60, products: 10})).close();
    const worker = await startWorker('after-outage', 'stats');
    await redis.stop();
    await until('the app host to see Redis gone', () => app.services.training.paused?.() !== null, 10_000);

    const hook = signedWebhook({topic: 'products/update', shop, secret: app.config.apiSecret, body: {id: 555, title: 'Kept while Redis is down', handle: 'kept', status: 'active', variants: [], tags: '', updated_at: new Date().toISOString()}});
    expect((await sendWebhook(`${app.url}/webhooks`, hook)).status).toBe(200);
    expect(app.services.training.start(shop, 'merchant')).toMatchObject({queued: true});
    const token = await sessionToken({shop, apiKey: app.config.apiKey, secret: app.config.apiSecret});
    const admin = await fetch(`${app.url}/api/training`, {headers: {authorization: `Bearer ${token}`}});
    expect(admin.status).toBe(200);
    expect(await admin.json()).toMatchObject({queue: {state: 'queued', ahead: 0}, paused: expect.stringContaining('training is paused')});

    // Back without its data (nothing saved): the host sends its entries again and the worker takes them.
    await redis.start();
    // At once, not at the next periodic re-send (RESEND_MS, 30 s).
    await Promise.race([app.services.training.done(shop), new Promise((_, reject) => setTimeout(() => reject(new Error('not trained within 15 s of Redis returning')), 15_000))]);
    expect(app.services.training.paused?.()).toBeNull();
    expect(trainings(app, shop)).toMatchObject({versions: 1, runs: [{status: 'published'}], active: {report: {worker: worker.name}}});
  }, 60_000);
});
