import {spawnSync} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {describe, expect, it} from 'vitest';
import type {BackendChoice} from '../../trainer/backend';
import {BACKEND_ORDER, fallbackMessage, selectBackend} from '../../trainer/backend';

const ROOT = resolve(import.meta.dirname, '../..');

async function installed(pkg: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ pkg);
    return true;
  } catch {
    return false;
  }
}

describe('selectBackend', () => {
  it('takes the first backend down the list that loads and records why the others did not', async () => {
    const choice = await selectBackend();
    expect(BACKEND_ORDER).toContain(choice.name);
    expect(tf.getBackend()).toBe(choice.name.startsWith('tensorflow') ? 'tensorflow' : choice.name);
    const last = choice.tried[choice.tried.length - 1];
    expect(last).toEqual({name: choice.name});
    for (const failed of choice.tried.slice(0, -1)) expect(failed.error).toMatch(/\S/);
    expect(choice.tried.map((t) => t.name)).toEqual(BACKEND_ORDER.slice(0, choice.tried.length));
  });

  it.each([
    ['cpu', 'cpu'],
    ['wasm', 'wasm'],
  ])('runs %s when it is forced and available', async (preferred, backend) => {
    const choice = await selectBackend(preferred);
    expect(choice.name).toBe(preferred);
    expect(choice.tried).toEqual([{name: preferred}]);
    expect(tf.getBackend()).toBe(backend);
    expect(fallbackMessage(choice, preferred)).toBeNull();
    expect(tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).arraySync())).toEqual([
      [3, 3],
      [3, 3],
    ]);
  });

  it.each([
    ['an unknown name', 'tpu', /unknown backend; known: tensorflow-gpu, tensorflow, webgpu, wasm, cpu/],
    ['a package that is not installed', 'tensorflow-gpu', /package @tensorflow\/tfjs-node-gpu is not installed/],
  ])('falls back with a clear reason when forced to %s', async (_case, preferred, why) => {
    if (preferred === 'tensorflow-gpu' && (await installed('@tensorflow/tfjs-node-gpu'))) return;
    const choice = await selectBackend(preferred);
    expect(choice.tried[0].name).toBe(preferred);
    expect(choice.tried[0].error).toMatch(why);
    expect(choice.name).not.toBe(preferred);
    expect(choice.tried[choice.tried.length - 1]).toEqual({name: choice.name});
    const message = fallbackMessage(choice, preferred);
    expect(message).toContain(`backend '${preferred}' is unavailable`);
    expect(message).toMatch(why);
    expect(message).toContain(`using '${choice.name}'`);
  });

  it('drives WebGPU through Dawn as far as this machine allows, then falls back', async () => {
    const choice = await selectBackend('webgpu');
    expect(choice.tried[0].name).toBe('webgpu');
    if (choice.name === 'webgpu') {
      expect(tf.getBackend()).toBe('webgpu');
      return;
    }
    // No GPU here: no Vulkan loader, or Dawn finds no adapter; we say so instead of crashing inside tfjs.
    expect(choice.tried[0].error).toMatch(/no Vulkan loader|no GPU adapter|not installed/);
    expect(fallbackMessage(choice, 'webgpu')).toMatch(/^backend 'webgpu' is unavailable \(webgpu: .+\); using '(wasm|cpu|tensorflow)'$/);
    expect(tf.getBackend()).not.toBe('webgpu');
  });
});

/** selectBackend('webgpu') in a fresh process: what it chose and what it printed to stderr. */
function webgpuInChild(env: NodeJS.ProcessEnv = {}): {choice: BackendChoice; stderr: string} {
  const code = "import {selectBackend} from './trainer/backend.ts'; console.log(JSON.stringify(await selectBackend('webgpu')));";
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {cwd: ROOT, encoding: 'utf8', env: {...process.env, ...env}});
  expect(r.status, r.stderr).toBe(0);
  return {choice: JSON.parse(r.stdout.trim().split('\n').pop()!) as BackendChoice, stderr: r.stderr};
}

const ldCache = spawnSync('/sbin/ldconfig', ['-p'], {encoding: 'utf8'});
const noVulkanHere = process.platform === 'linux' && ldCache.status === 0 && !ldCache.stdout.includes('libvulkan.so.1 ') && !process.env.LD_LIBRARY_PATH;

describe.skipIf(!noVulkanHere)('WebGPU on a Linux machine without a Vulkan loader', () => {
  it('is skipped with that reason, before Dawn prints its native warning', () => {
    const {choice, stderr} = webgpuInChild();
    expect(choice.tried[0]).toEqual({name: 'webgpu', error: expect.stringMatching(/no Vulkan loader \(libvulkan\.so\.1\)/)});
    expect(stderr).not.toMatch(/Couldn't load Vulkan/);
  });

  it('is still tried when LD_LIBRARY_PATH holds something named like the loader: in doubt, Dawn decides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairwise-vulkan-'));
    writeFileSync(join(dir, 'libvulkan.so.1'), 'not a library');
    const {choice} = webgpuInChild({LD_LIBRARY_PATH: dir});
    expect(choice.tried[0].name).toBe('webgpu');
    expect(choice.tried[0].error).not.toMatch(/no Vulkan loader/);
  });
});
