import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {selectBackend} from '../trainer/backend';
import {trainEmbeddings} from '../trainer/embed';
import {seededRandom} from '../domain/random';
import {loadOrdersCsv, type Baskets} from '../trainer/load';
import type {BenchRow} from './types';

/**
 * The embedding stage on every tfjs backend that loads here, on the same baskets and settings, against the pure-JS
 * `cpu` backend; plus each backend's raw matmul throughput, which bounds what the stage can gain from it.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ONLINE_RETAIL = path.resolve(repoRoot, '../shared/datasets/online-retail/train.csv.gz');

/** A Zipf store for machines without the shared data sets: 20k orders over 3k products. */
function syntheticBaskets(): Pick<Baskets, 'offsets' | 'items' | 'itemIds' | 'count'> {
  const random = seededRandom(11);
  const items = 3000;
  const cumulative = new Float64Array(items);
  for (let i = 0, s = 0; i < items; i++) cumulative[i] = s += 1 / (i + 1);
  const draw = () => {
    const x = random() * cumulative[items - 1];
    let lo = 0;
    let hi = items - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const lists: number[][] = [];
  for (let b = 0; b < 20_000; b++) {
    const basket = new Set<number>();
    const size = 2 + Math.floor(random() * 12);
    while (basket.size < size) basket.add(draw());
    lists.push([...basket]);
  }
  const offsets = new Uint32Array(lists.length + 1);
  lists.forEach((l, b) => (offsets[b + 1] = offsets[b] + l.length));
  return {offsets, items: Uint32Array.from(lists.flat()), itemIds: Array.from({length: items}, (_, i) => String(i)), count: lists.length};
}

async function matmulGflops(n: number, repeats: number): Promise<number> {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const once = async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  };
  await once();
  const started = performance.now();
  for (let r = 0; r < repeats; r++) await once();
  const seconds = (performance.now() - started) / 1000;
  tf.dispose([a, b]);
  return (2 * n ** 3 * repeats) / seconds / 1e9;
}

export async function benchEmbedding(opts: {quick: boolean}): Promise<BenchRow[]> {
  const real = existsSync(ONLINE_RETAIL);
  const baskets = real ? (await loadOrdersCsv(ONLINE_RETAIL)).baskets : syntheticBaskets();
  const data = real ? 'online-retail train' : 'synthetic Zipf store (online-retail absent)';
  const best = await selectBackend();
  const gpuNote = best.tried
    .filter((t) => t.error)
    .map((t) => `${t.name}: ${t.error}`)
    .join('; ');
  const backends = [...new Set([best.name, 'wasm', 'cpu'])];
  // The same pair budget on every backend, small enough for pure JS to finish.
  const settings = {epochs: 1, seed: 1, maxPairsPerEpoch: opts.quick ? 50_000 : 200_000};
  const size = opts.quick ? 256 : 1024;

  const measured: {name: string; epoch: number; gflops: number}[] = [];
  for (const name of backends) {
    const choice = await selectBackend(name);
    if (choice.name !== name) continue;
    const {seconds} = await trainEmbeddings(baskets, settings);
    measured.push({name, epoch: seconds / settings.epochs, gflops: await matmulGflops(size, opts.quick ? 3 : 5)});
  }
  const cpu = measured.find((m) => m.name === 'cpu');
  const rows: BenchRow[] = [];
  for (const m of measured) {
    const vsCpu = cpu && m.name !== 'cpu' ? {reference: cpu.epoch, referenceName: 's cpu', ratio: cpu.epoch / m.epoch} : {};
    const gpu = !['wasm', 'cpu'].includes(m.name);
    rows.push({
      name: `embedding epoch (${settings.maxPairsPerEpoch / 1000}k pairs), ${m.name}`,
      value: m.epoch,
      unit: 's',
      ...vsCpu,
      ...(gpu ? {target: '>= 5x cpu backend'} : {}),
      note: data,
    });
  }
  for (const m of measured) {
    rows.push({name: `matmul ${size}x${size}, ${m.name}`, value: m.gflops, unit: 'GFLOP/s', ...(cpu && m.name !== 'cpu' ? {reference: cpu.gflops, referenceName: 'GFLOP/s cpu', ratio: m.gflops / cpu.gflops} : {})});
  }
  if (!measured.some((m) => !['wasm', 'cpu'].includes(m.name))) {
    rows.push({name: 'GPU backend', value: 0, unit: 'loaded', note: `none on this machine (${gpuNote})`});
  }

  const full = await selectBackend(best.name);
  const stage = await trainEmbeddings(baskets, {seed: 1, ...(opts.quick ? {epochs: 1} : {})});
  rows.push({name: `embedding stage, defaults${opts.quick ? ' (1 epoch)' : ''}, ${full.name}`, value: stage.seconds, unit: 's', target: 'part of full train <= 60 s', note: data});
  return rows;
}
