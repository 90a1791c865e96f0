import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {cruise} from 'dependency-cruiser';
import type {ICruiseResult, IConfiguration} from 'dependency-cruiser';
import {afterAll, describe, expect, it} from 'vitest';

// The one-way house (README "How it fits together"), held by dependency-cruiser's rules in .dependency-cruiser.cjs:
// the real tree breaks none of them, and each rule fails on a small tree that breaks it.

const ROOT = join(import.meta.dirname, '../..');
const rules = (createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as IConfiguration).forbidden!;
const MODULES = ['server', 'storage', 'domain', 'trainer', 'app', 'devkit', 'demo', 'bench', 'scripts', 'test', 'extensions', 'worker'];

async function violations(baseDir: string, paths: string[], tsConfig?: string): Promise<string[]> {
  const result = await cruise(paths, {
    baseDir,
    ruleSet: {forbidden: rules},
    validate: true,
    tsPreCompilationDeps: true,
    doNotFollow: {path: 'node_modules'},
    exclude: {path: '(^|/)(dist|app/dist)/'},
    ...(tsConfig ? {tsConfig: {fileName: tsConfig}} : {}),
    enhancedResolveOptions: {extensions: ['.ts', '.tsx', '.mjs', '.js', '.d.mts']},
  });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
}

describe('module boundaries', () => {
  it('the tree breaks none of the rules', async () => {
    expect(await violations(ROOT, MODULES, 'tsconfig.json')).toEqual([]);
  }, 60_000);

  const fixtures = mkdtempSync(join(tmpdir(), 'pw-arch-'));
  afterAll(() => rmSync(fixtures, {recursive: true, force: true}));

  /** A tiny tree of files (path -> source) in its own folder. */
  function tree(name: string, files: Record<string, string>): string {
    const base = join(fixtures, name);
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(dirname(join(base, path)), {recursive: true});
      writeFileSync(join(base, path), source);
    }
    return base;
  }

  it.each([
    ['no-cycles', {'server/a.ts': "import type {B} from './b';\nexport type A = B;\n", 'server/b.ts': "import type {A} from './a';\nexport type B = A | 1;\n"}],
    ['server-not-to-trainer', {'server/a.ts': "import {t} from '../trainer/t';\nexport const a = t;\n", 'trainer/t.ts': 'export const t = 1;\n'}],
    ['trainer-not-to-server', {'trainer/a.ts': "import {s} from '../server/s';\nexport const a = s;\n", 'server/s.ts': 'export const s = 1;\n'}],
    ['no-bundler-in-server-or-trainer', {'trainer/a.ts': "import {buildSync} from 'esbuild';\nexport const a = buildSync;\n", 'node_modules/esbuild/package.json': '{"name": "esbuild", "main": "index.js"}', 'node_modules/esbuild/index.js': 'exports.buildSync = () => {};\n'}],
    ['app-not-to-server-or-storage', {'app/a.ts': "import type {R} from '../storage/r';\nexport type A = R;\n", 'storage/r.ts': 'export type R = 1;\n'}],
    ['domain-imports-nothing-of-ours', {'domain/a.ts': "import {s} from '../server/s';\nexport const a = s;\n", 'server/s.ts': 'export const s = 1;\n'}],
    ['storage-not-to-server', {'storage/a.ts': "import {s} from '../server/s';\nexport const a = s;\n", 'server/s.ts': 'export const s = 1;\n'}],
    ['worker-holds-no-shop-files', {'worker/a.ts': "import {r} from '../storage/r';\nexport const a = r;\n", 'storage/r.ts': 'export const r = 1;\n'}],
    ['nothing-runs-a-worker-inside', {'server/a.ts': "import {w} from '../worker/w';\nexport const a = w;\n", 'worker/w.ts': 'export const w = 1;\n'}],
    ['production-not-to-devkit', {'server/a.ts': "import {d} from '../devkit/d';\nexport const a = d;\n", 'devkit/d.ts': 'export const d = 1;\n'}],
    ['only-tests-import-test', {'demo/a.ts': "import {h} from '../test/h';\nexport const a = h;\n", 'test/h.ts': 'export const h = 1;\n'}],
    ['extensions-import-nothing', {'extensions/pairwise/assets/a.js': "import {b} from './b.js';\nexport const a = b;\n", 'extensions/pairwise/assets/b.js': 'export const b = 1;\n'}],
    ['extensions-stay-in-their-folder', {'extensions/some-function/src/run.js': "import {b} from '../../../domain/b.js';\nexport const a = b;\n", 'domain/b.js': 'export const b = 1;\n'}],
    ['extensions-stay-in-their-folder', {'extensions/offers/src/a.ts': "import {d} from '../../../domain/d';\nexport const a = d;\n", 'domain/d.ts': 'export const d = 1;\n'}],
  ])('%s fails a tree that breaks it', async (rule, files) => {
    const base = tree(rule, files);
    const found = await violations(base, [...new Set(Object.keys(files).map((f) => f.split('/')[0]).filter((d) => d !== 'node_modules'))]);
    expect(found.some((v) => v.startsWith(`${rule}:`))).toBe(true);
  });
});
