import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/**
 * Picks the fastest TensorFlow.js backend this machine can run. The optional ones
 * (tfjs-node-gpu, tfjs-node, WebGPU over Dawn) are loaded by dynamic import so that a missing package
 * or driver becomes a recorded reason, never a crash; the pure-JS `cpu` backend always works.
 */

export type BackendChoice = {name: string; tried: {name: string; error?: string}[]};

type Candidate = {name: string; load: () => Promise<string>};

const require = createRequire(import.meta.url);

/** Names in fallback order; `tensorflow` as a preference means either native build. */
export const BACKEND_ORDER = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

function reason(err: unknown): string {
  const e = err as {code?: string; message?: string};
  if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') {
    const pkg = /'(@?[^']+)'/.exec(e.message ?? '')?.[1] ?? 'it needs';
    return `package ${pkg} is not installed`;
  }
  return (e?.message ?? String(err)).split('\n')[0];
}

async function activate(backend: string): Promise<string> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed to initialise`);
  await tf.ready();
  return backend;
}

/** tfjs-node and tfjs-node-gpu both register a backend called `tensorflow`. */
async function loadNative(pkg: string): Promise<string> {
  await import(/* @vite-ignore */ pkg);
  return activate('tensorflow');
}

/**
 * WebGPU in Node: Dawn's `dawn.node` provides `navigator.gpu`, which tfjs-backend-webgpu looks for when it is
 * imported. We ask for an adapter ourselves first, because tfjs would crash on a null one (no Vulkan driver).
 */
async function loadWebGpu(): Promise<string> {
  if (vulkanLoaderMissing()) throw new Error('no Vulkan loader (libvulkan.so.1) on this machine, so Dawn cannot reach a GPU');
  const {create, globals} = await import('webgpu');
  Object.assign(globalThis, globals);
  const g = globalThis as {navigator?: {gpu?: unknown}};
  // Node 20 has no navigator; Node 21+ has one without gpu.
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', {value: {}, writable: true, configurable: true});
  const gpu = create([]);
  Object.defineProperty(g.navigator, 'gpu', {value: gpu, writable: true, configurable: true});
  const adapter = await gpu.requestAdapter({powerPreference: 'high-performance'});
  if (!adapter) throw new Error('Dawn found no GPU adapter (no Vulkan/Metal/D3D12 driver for a GPU on this machine)');
  // A software (CPU-emulated) adapter would be slower than wasm.
  const info = (adapter as {info?: {isFallbackAdapter?: boolean; description?: string}}).info;
  if (info?.isFallbackAdapter) throw new Error(`Dawn offers only a software adapter (${info.description ?? 'no GPU'})`);
  await import('@tensorflow/tfjs-backend-webgpu');
  return activate('webgpu');
}

/**
 * On Linux Dawn reaches a GPU only through the Vulkan loader; without one it prints a native warning to stderr
 * on every run and finds no adapter. Look where the dynamic linker would (LD_LIBRARY_PATH, then the ld.so cache)
 * and skip Dawn only when the cache was read and neither has it: when in doubt, Dawn is tried.
 */
function vulkanLoaderMissing(): boolean {
  if (process.platform !== 'linux') return false;
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  if (dirs.some((dir) => existsSync(path.join(dir, 'libvulkan.so.1')))) return false;
  for (const ldconfig of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
    const cache = spawnSync(ldconfig, ['-p'], {encoding: 'utf8'});
    if (cache.status === 0) return !cache.stdout.includes('libvulkan.so.1 ');
  }
  return false;
}

let wasmPathsSet = false;

/** In Node the .wasm binaries are read from the package's dist folder on disk, not fetched. */
async function loadWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!wasmPathsSet) {
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(dist + path.sep);
    wasmPathsSet = true;
  }
  return activate('wasm');
}

const CANDIDATES: Candidate[] = [
  {name: 'tensorflow-gpu', load: () => loadNative('@tensorflow/tfjs-node-gpu')},
  {name: 'tensorflow', load: () => loadNative('@tensorflow/tfjs-node')},
  {name: 'webgpu', load: loadWebGpu},
  {name: 'wasm', load: loadWasm},
  {name: 'cpu', load: () => activate('cpu')},
];

/** A missing package or driver does not appear mid-process: remember why, and do not wake Dawn again. */
const failures = new Map<string, string>();

function matches(candidate: string, preferred: string): boolean {
  return candidate === preferred || (preferred === 'tensorflow' && candidate === 'tensorflow-gpu');
}

/**
 * Activates `preferred` if it loads, else the first backend down BACKEND_ORDER that does. `tried` lists every
 * attempt with the reason it failed, so the caller can report "webgpu unavailable: ...; ran wasm".
 */
export async function selectBackend(preferred?: string): Promise<BackendChoice> {
  const tried: BackendChoice['tried'] = [];
  const first = preferred ? CANDIDATES.filter((c) => matches(c.name, preferred)) : [];
  if (preferred && first.length === 0) {
    tried.push({name: preferred, error: `unknown backend; known: ${BACKEND_ORDER.join(', ')}`});
  }
  const rest = CANDIDATES.filter((c) => !first.includes(c));
  for (const candidate of [...first, ...rest]) {
    const known = failures.get(candidate.name);
    if (known) {
      tried.push({name: candidate.name, error: known});
      continue;
    }
    try {
      await candidate.load();
      tried.push({name: candidate.name});
      return {name: candidate.name, tried};
    } catch (err) {
      failures.set(candidate.name, reason(err));
      tried.push({name: candidate.name, error: reason(err)});
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}

/** One line for logs and report.json when a forced backend was not the one that ran; null when it was. */
export function fallbackMessage(choice: BackendChoice, preferred?: string): string | null {
  if (!preferred || matches(choice.name, preferred)) return null;
  const failed = choice.tried.filter((t) => t.error && matches(t.name, preferred));
  const why = failed.map((t) => `${t.name}: ${t.error}`).join('; ');
  return `backend '${preferred}' is unavailable (${why}); using '${choice.name}'`;
}
