import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {generateStore} from '../../devkit/store-generator';
import {openShopDb} from '../../storage/open';
import type {Db} from '../../storage/open';
import {activeModelVersion, modelCartPage, modelCompanionPage} from '../../storage/repos/model-serving';
import {modelWriter} from '../../storage/repos/model-writer';
import type {ModelPairRow} from '../../storage/repos/model-writer';
import {ModelCache} from '../../server/recommend/model-cache';
import {companionsFor} from '../../server/recommend/storefront';
import type {ShopDomain} from '../../storage/shop-domain';
import {seedShopFile} from '../../devkit/seed';
import {startServerProcess} from '../../devkit/server-process';
import type {ServerProcess} from '../../devkit/server-process';
import {signProxyQuery} from '../../devkit/storefront/sign';
import {sized} from './mode';
import {trainerCommand} from '../../devkit/trainer-command';

const SHOP = 'crash-publish.myshopify.com' as ShopDomain;
const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const store = generateStore({seed: 23, orders: 600, products: 60});
const showable = store.products.filter((p) => p.status === 'active' && p.available && !p.giftCard);
/** What the storefront asks for: single products (product block) and carts of two (cart block). */
const ANCHORS = [...showable.slice(0, 8).map((p) => String(p.id)), `${showable[0].id},${showable[1].id}`, `${showable[2].id},${showable[5].id}`];
const SERVER_KILLS = sized(1, 4);

/** A hand-made model that differs from anything the trainer finds: every product -> the others, in a rotated order. */
function rotatedModel(shift: number, filler = 0): Iterable<ModelPairRow> {
  const ids = showable.map((p) => p.id);
  const rows: ModelPairRow[] = [];
  const pair = (productId: number, companionId: number, rank: number): ModelPairRow => ({
    productId, companionId, rank, score: 1 / rank, source: 'copurchase', count: 10, support: 0.1, confidence: 0.9, lift: 5,
    jaccard: null, cosine: null, llr: null, embeddingSim: null, textSim: null,
  });
  ids.forEach((id, i) => {
    for (let r = 1; r <= 12; r++) rows.push(pair(id, ids[(i + r * shift) % ids.length], r));
  });
  // Products that are not in the catalogue: only there to make loading the model into memory take a while.
  for (let f = 0; f < filler; f++) for (let r = 1; r <= 20; r++) rows.push(pair(9_000_000 + f, 9_500_000 + r, r));
  return rows;
}

/** What the storefront must show for each anchor under the model active in the file: the proxy's own selection, run here. */
async function servedFrom(db: Db): Promise<string[]> {
  const model = await new ModelCache({activeVersion: activeModelVersion, companionPage: (_shop, d, ...page) => modelCompanionPage(d, ...page), cartPage: (_shop, d, ...page) => modelCartPage(d, ...page), rowsPerPage: 500}, 64 * 1024 * 1024).get(SHOP, db);
  return ANCHORS.map((a) => JSON.stringify(companionsFor(db, model, a.split(',').map(Number), {limit: 6, block: 'cart'}).map((c) => c.id)));
}

async function fromFile(): Promise<string[]> {
  const db = openShopDb(dataDir, SHOP);
  try {
    return await servedFrom(db);
  } finally {
    db.close();
  }
}

function publish(db: Db, pairs: Iterable<ModelPairRow>): number {
  return modelWriter(db).publish({kind: 'model', backend: null, report: {}, pairs, bundles: [], communities: []});
}

let server: ServerProcess;
/** Whether each kill cut off the request that was loading the new model (reported, not asserted: it is timing). */
const swapOutcomes: string[] = [];
let dataDir: string;

async function ask(anchors: string): Promise<string> {
  const q = signProxyQuery(new URLSearchParams({products: anchors, limit: '6'}), {shop: SHOP, secret: server.secret, pathPrefix: '/apps/pairwise'});
  const res = await fetch(`${server.url}/proxy/recommendations?${q}`);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`proxy answered ${res.status}: ${text}`);
  return JSON.stringify((JSON.parse(text) as {products: {id: number}[]}).products.map((p) => p.id));
}

/** Every anchor's current answer. */
async function answers(): Promise<string[]> {
  return Promise.all(ANCHORS.map(ask));
}

/** Asks for every anchor in a loop until `stop` settles; returns everything it got. */
async function hammer(stop: Promise<unknown>): Promise<{anchor: number; answer: string}[]> {
  let done = false;
  void stop.finally(() => (done = true));
  const got: {anchor: number; answer: string}[] = [];
  await Promise.all(
    ANCHORS.map(async (anchors, anchor) => {
      while (!done) got.push({anchor, answer: await ask(anchors)});
    }),
  );
  return got;
}

function runTrainer(env: Record<string, string> = {}): Promise<{code: number | null; signal: NodeJS.Signals | null; stderr: string}> {
  return new Promise((done) => {
    const [node, args] = trainerCommand(['--shop', SHOP, '--data-dir', dataDir, '--model', 'stats']);
    const child = spawn(node, args, {
      cwd: REPO_ROOT,
      env: {...process.env, ...env},
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code, signal) => done({code, signal, stderr}));
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pairwise-publish-'));
  const db = seedShopFile(dataDir, SHOP, store);
  publish(db, rotatedModel(1));
  db.close();
  server = await startServerProcess({dataDir});
});
afterAll(async () => {
  console.info(`crash-publish: requests loading the new model when the server was killed: ${swapOutcomes.join(', ')}`);
  await server?.close();
  rmSync(dataDir, {recursive: true, force: true});
});

describe('crash during publish', () => {
  let before: string[];

  it('serves the old model, unchanged, while the trainer is killed between writing and flipping', async () => {
    before = await answers();
    expect(before).toEqual(await fromFile());
    expect(before.filter((a) => a !== '[]').length).toBeGreaterThan(ANCHORS.length / 2);
    const trainer = runTrainer({PAIRWISE_TRAINER_FAULT: 'kill-before-flip'});
    const seen = await hammer(trainer);
    expect((await trainer).signal).toBe('SIGKILL');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((s) => s.answer !== before[s.anchor])).toEqual([]);
    expect(await answers()).toEqual(before);

    const db = openShopDb(dataDir, SHOP);
    try {
      expect(activeModelVersion(db)).toBe(1);
      expect(db.pragma('integrity_check', {simple: true})).toBe('ok');
    } finally {
      db.close();
    }
  });

  it('serves the old list or the new one, never a mix or an error, while the trainer publishes', async () => {
    const trainer = runTrainer();
    const seen = await hammer(trainer);
    const result = await trainer;
    expect(result.code, result.stderr).toBe(0);
    // The old model keeps serving while the server loads the new one (model-cache.ts), so the new lists arrive
    // once that load ends, not necessarily with the trainer's exit.
    const after = await fromFile();
    await expect.poll(answers, {timeout: 15_000}).toEqual(after);
    expect(after).not.toEqual(before);
    const mixed = seen.filter((s) => s.answer !== before[s.anchor] && s.answer !== after[s.anchor]);
    expect(mixed).toEqual([]);
  });

  it.each(Array.from({length: SERVER_KILLS}, (_, i) => [i + 1]))('serves the new list after the server is killed while swapping in a model (round %i)', async (round) => {
    const db = openShopDb(dataDir, SHOP);
    let expected: string[];
    try {
      // A big model: loading it into memory takes long enough to be killed in the middle of it.
      publish(db, rotatedModel(round + 1, 6000));
      expected = await servedFrom(db);
    } finally {
      db.close();
    }
    const swapping = ask(ANCHORS[0]).then(() => 'answered', () => 'cut off');
    await new Promise((r) => setTimeout(r, 20 + round * 30));
    await server.kill();
    swapOutcomes.push(await swapping);
    await server.restart();
    const seen = await hammer(new Promise((r) => setTimeout(r, 500)));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((s) => s.answer !== expected[s.anchor])).toEqual([]);
  });
});
