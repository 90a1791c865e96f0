import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildSync} from 'esbuild';

/**
 * How every other process starts the trainer (the server's training jobs, the benchmarks, the CLI tests): node
 * on a bundle of trainer/, built by esbuild in a fraction of a second whenever a source file changed. Running
 * the TypeScript through tsx instead costs about 0.25 s of loader start-up per run and as much CPU again in each
 * worker thread, a fifth of a stats-mode run on online-retail.
 */

const TRAINER_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(TRAINER_DIR, '..');
const BUNDLES = join(ROOT, 'dist/trainer');
/** What the bundle is built from: the trainer and the server modules DB mode imports (storage, repos, migrations). */
const SOURCES = [TRAINER_DIR, join(ROOT, 'server')];
/** The shop database's migrations, read from disk next to the module that opens it (server/db/open.ts). */
const MIGRATIONS = join(ROOT, 'server/db/migrations');

/** [node, args] that run the trainer with `args`. */
export function trainerCommand(args: string[]): [string, string[]] {
  return [process.execPath, [join(ensureBundle(), 'main.mjs'), ...args]];
}

/**
 * The bundle of the current sources: dist/trainer/<stamp of their paths, sizes and times>/. Built in a private
 * folder then renamed into place, so concurrent callers (parallel test files) never see half a bundle; folders
 * of older sources are removed an hour after they were built.
 */
export function ensureBundle(): string {
  const dir = join(BUNDLES, sourceStamp());
  if (existsSync(join(dir, 'main.mjs'))) return dir;
  mkdirSync(BUNDLES, {recursive: true});
  const building = `${dir}.${process.pid}.${Date.now()}`;
  buildSync({
    // The worker keeps its name: threads.ts starts `./threads-worker.mjs` next to itself, here the bundled worker.
    entryPoints: {main: join(TRAINER_DIR, 'main.ts'), 'threads-worker': join(TRAINER_DIR, 'threads-worker.ts')},
    outdir: building,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: {'.js': '.mjs'},
    logLevel: 'error',
  });
  cpSync(MIGRATIONS, join(building, 'migrations'), {recursive: true});
  try {
    renameSync(building, dir);
  } catch {
    // Another process finished the same bundle first.
    rmSync(building, {recursive: true, force: true});
  }
  pruneOld(dir);
  return dir;
}

function sourceStamp(): string {
  const hash = createHash('sha1');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, {withFileTypes: true}).sort((x, y) => (x.name < y.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const s = statSync(path);
        hash.update(`${path}:${s.size}:${s.mtimeMs}\n`);
      }
    }
  };
  SOURCES.forEach(walk);
  return hash.digest('hex').slice(0, 16);
}

function pruneOld(keep: string): void {
  for (const name of readdirSync(BUNDLES)) {
    const path = join(BUNDLES, name);
    if (path !== keep && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, {recursive: true, force: true});
  }
}

// `npm run train -- <args>`: the same bundle, with the terminal attached.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [node, args] = trainerCommand(process.argv.slice(2));
  process.exitCode = spawnSync(node, args, {stdio: 'inherit'}).status ?? 1;
}
