import {execFile} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import {parseCli} from '../../trainer/cli';
import {trainerCommand} from '../../devkit/trainer-command';
import {randomBaskets} from './helpers';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'pairwise-train-'));

function ordersCsv(name: string, orders: string[][]): string {
  const lines = ['order_id,product_id,quantity,price,created_at,title'];
  orders.forEach((items, o) => {
    const at = new Date(Date.UTC(2024, 0, 1) + o * 3_600_000).toISOString();
    for (const p of items) lines.push(`${o + 1},${p},1,1.50,${at},Product ${p}`);
  });
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A trainer run (with extra environment variables): its exit code, the signal that ended it if any, and its output. */
async function train(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(...trainerCommand(args), {env: {...process.env, ...env}});
    return {code: 0, signal: null, stdout: r.stdout, stderr: r.stderr};
  } catch (err) {
    const e = err as {code: number; signal: NodeJS.Signals | null; stdout: string; stderr: string};
    return {code: e.code, signal: e.signal, stdout: e.stdout, stderr: e.stderr};
  }
}

describe('trainer CLI (CSV mode)', () => {
  const orders = ordersCsv('orders.csv', randomBaskets(11, 600, 50, 6));

  it('writes the contract files with the evaluation in report.json', async () => {
    const out = join(dir, 'out-full');
    const r = await train(['--orders', orders, '--out', out, '--seed', '3', '--threads', '3']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({orders: 600, bad_rows: 0, threads: 3});
    expect(report.timings.total_s).toBeGreaterThan(0);
    for (const name of ['model', 'popularity', 'cocount', 'lift', 'jaccard']) {
      expect(Object.keys(report.eval[name]).sort()).toEqual(['coverage', 'hr', 'ndcg', 'precision', 'queries', 'recall']);
    }
    const recs = readFileSync(join(out, 'recommendations.csv'), 'utf8').trim().split('\n');
    expect(recs[0]).toBe('product_id,rank,recommended_id,score');
    const pairs = readFileSync(join(out, 'pairs.csv'), 'utf8').trim().split('\n');
    expect(pairs[0]).toBe('product_id,rank,recommended_id,score,source,count,support,confidence,lift,jaccard,cosine,llr,embedding_sim');
    expect(pairs.length).toBe(recs.length);
    const sims = pairs.slice(1).map((l) => l.split(',').at(-1)!).filter((x) => x !== '').map(Number);
    expect(sims.length).toBeGreaterThan(0);
    for (const x of sims) expect(Math.abs(x)).toBeLessThanOrEqual(1);
    expect(typeof report.backend).toBe('string');
    expect(report.backend).not.toBe('none');
    expect(report.backend_tried.at(-1)).toEqual({name: report.backend});
    expect(report.timings.embed_s).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'bundles.csv'), 'utf8').split('\n')[0]).toBe('bundle_id,product_ids,count,support,lift');
    // communities.csv: each member of each community once, as many communities as the report counts.
    const members = readFileSync(join(out, 'communities.csv'), 'utf8').trim().split('\n');
    expect(members[0]).toBe('community_id,product_id');
    expect(new Set(members.slice(1).map((l) => l.split(',')[0])).size).toBe(report.communities);
    expect(report.communities).toBeGreaterThan(0);
    expect(new Set(members.slice(1).map((l) => l.split(',')[1])).size).toBe(members.length - 1);
    // cart.csv: at most 100 rows per product, largest |weight| first, and report.json says what fitted it.
    const cart = readFileSync(join(out, 'cart.csv'), 'utf8').trim().split('\n');
    expect(cart[0]).toBe('product_id,recommended_id,weight');
    const byProduct = new Map<string, number[]>();
    for (const line of cart.slice(1)) {
      const [p, , w] = line.split(',');
      byProduct.set(p, [...(byProduct.get(p) ?? []), Math.abs(Number(w))]);
    }
    expect(byProduct.size).toBeGreaterThan(10);
    for (const ws of byProduct.values()) {
      expect(ws.length).toBeLessThanOrEqual(100);
      expect(ws).toEqual([...ws].sort((x, y) => y - x));
    }
    expect(report.cart).toMatchObject({method: expect.stringMatching(/^(ease|cocount)$/), backend: report.backend, gate: expect.stringContaining('published')});
    expect(report.cart.validation).toHaveLength(3);
    expect(Object.keys(report.tail.model)).toEqual(['0', '1-4', '5-19', '20-99', '100+']);
    expect(report.gate_slices.slices).toHaveLength(3);
    // Progress goes to stdout as JSON lines when it is not a terminal.
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).type)).toContain('progress');
  }, 60_000);

  it.each([
    ['tensorflow', /backend 'tensorflow' is unavailable \(.*tfjs-node.*not installed.*\); using '(webgpu|wasm|cpu)'/],
    ['bogus', /backend 'bogus' is unavailable \(bogus: unknown backend; known: .*\); using '(webgpu|wasm|cpu)'/],
  ])('falls back when --backend %s cannot run, says so and reports the one that ran', async (name, message) => {
    const out = join(dir, `backend-${name}`);
    const r = await train(['--orders', orders, '--out', out, '--backend', name]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(message);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.backend_note).toMatch(message);
    expect(report.backend).toBe(message.exec(r.stderr)![1]);
    // `tensorflow` means either native build, so the first attempt may be `tensorflow-gpu`.
    expect(report.backend_tried[0].name.startsWith(name)).toBe(true);
    expect(report.backend_tried[0].error).toEqual(expect.any(String));
  }, 60_000);

  it('stats mode trains no embeddings', async () => {
    const out = join(dir, 'out-stats');
    const r = await train(['--orders', orders, '--out', out, '--model', 'stats']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({backend: 'none', backend_tried: []});
    expect(report.timings.embed_s).toBeUndefined();
    const pairs = readFileSync(join(out, 'pairs.csv'), 'utf8').trim().split('\n').slice(1);
    expect(pairs.every((l) => l.endsWith(','))).toBe(true);
  }, 60_000);

  it('is deterministic for a seed, and trains no embeddings with --no-embeddings', async () => {
    const a = join(dir, 'det-a');
    const b = join(dir, 'det-b');
    await train(['--orders', orders, '--out', a, '--seed', '5', '--no-embeddings']);
    await train(['--orders', orders, '--out', b, '--seed', '5', '--no-embeddings']);
    for (const f of ['recommendations.csv', 'pairs.csv', 'bundles.csv', 'cart.csv']) expect(readFileSync(join(a, f), 'utf8')).toBe(readFileSync(join(b, f), 'utf8'));
    const report = JSON.parse(readFileSync(join(a, 'report.json'), 'utf8'));
    expect(report.timings.embed_s).toBeUndefined();
    expect(readFileSync(join(a, 'pairs.csv'), 'utf8').trim().split('\n').slice(1).every((l) => l.endsWith(','))).toBe(true);
    expect(report.cart.gate).toContain('published');
  }, 60_000);

  it('a run killed while writing leaves the previous files whole; the next run replaces them and its leftovers', async () => {
    const out = join(dir, 'out-killed');
    expect((await train(['--orders', orders, '--out', out, '--model', 'stats'])).code).toBe(0);
    const files = ['recommendations.csv', 'pairs.csv', 'bundles.csv', 'communities.csv', 'report.json'];
    const before = files.map((f) => readFileSync(join(out, f), 'utf8'));
    // Other orders, so that the files it would have written differ from the ones in place.
    const other = ordersCsv('other.csv', randomBaskets(12, 300, 30, 5));
    const killed = await train(['--orders', other, '--out', out, '--model', 'stats'], {PAIRWISE_TRAINER_FAULT: 'kill-before-rename'});
    expect(killed.signal).toBe('SIGKILL');
    expect(files.map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(before);
    expect(readdirSync(out).filter((f) => f.startsWith('.pairwise-staging-'))).toHaveLength(1);
    expect((await train(['--orders', other, '--out', out, '--model', 'stats'])).code).toBe(0);
    expect(readFileSync(join(out, 'recommendations.csv'), 'utf8')).not.toBe(before[0]);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).orders).toBe(300);
    expect(readdirSync(out).sort()).toEqual([...files].sort());
  }, 60_000);

  it.each([
    ['a missing column', () => ['--orders', ordersCsvRaw('nocol.csv', 'order_id,sku\n1,a\n'), '--out', join(dir, 'x')], 'product_id'],
    ['a bad --model', () => ['--orders', orders, '--out', join(dir, 'y'), '--model', 'huge'], '--model'],
    ['no input', () => ['--out', join(dir, 'z')], '--orders'],
    ['--threads 0', () => ['--orders', orders, '--out', join(dir, 'w'), '--threads', '0'], '--threads'],
  ])('exits 2 on %s with a message', async (_name, args, message) => {
    const r = await train(args());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  }, 60_000);

  it.each([
    [['--orders', 'o.csv', '--out', 'd'], {orders: 'o.csv', out: 'd', model: 'full', seed: 1}],
    [['--shop', 'a.myshopify.com', '--model', 'stats', '--seed', '9'], {shop: 'a.myshopify.com', model: 'stats', seed: 9}],
    [['--orders', 'o.csv', '--out', 'd', '--threads', '3'], {threads: 3}],
  ])('parses %j', (argv, expected) => {
    const r = parseCli(argv);
    expect(r.ok && r.options).toMatchObject(expected);
  });
});

function ordersCsvRaw(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('cold start from --products', () => {
  it('a product nobody ordered borrows the co-purchases of the product whose text reads like it', async () => {
    const orders = ordersCsv('cups.csv', [
      ...Array.from({length: 30}, () => ['red-cup', 'saucer']),
      ...Array.from({length: 30}, (_, i) => [`misc${i % 6}`, `misc${(i + 1) % 6}`]),
    ]);
    const products = ordersCsvRaw(
      'products.csv',
      `product_id,title,product_type,vendor,tags,description,price,available
red-cup,Red porcelain tea cup,Cups,Acme,,A red tea cup,5,1
blue-cup,Blue porcelain tea cup,Cups,Acme,,A blue tea cup,5,1
saucer,Porcelain saucer,Saucers,Acme,,,3,1
`,
    );
    const out = join(dir, 'cold');
    const r = await train(['--orders', orders, '--products', products, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(join(out, 'pairs.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const blue = rows.filter((f) => f[0] === 'blue-cup');
    expect(blue[0].slice(0, 5)).toEqual(['blue-cup', '1', 'saucer', blue[0][3], 'similar']);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.cold_started).toBe(1);
    // No product was new in the validation slices: the report says there was nothing to judge.
    expect(report.cold_start).toMatchObject({published: 'text', verdict: null});
    expect(report.cold_start.reason).toMatch(/nothing to judge/);
  }, 60_000);
});
