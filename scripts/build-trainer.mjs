// The trainer's bundle, built by esbuild: what the server spawns (`npm run build`, and `npm start` when it is
// missing or older than its sources), so the server never loads the trainer's sources or a bundler. Running
// the TypeScript through tsx instead costs about 0.25 s of loader start-up per run and as much CPU again in
// each worker thread, a fifth of a stats-mode run on online-retail.
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildSync} from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where bundles live: one folder per source stamp, and `current.json` naming the newest. */
export const TRAINER_DIST = join(ROOT, 'dist/trainer');
/** What the bundle is built from: the trainer and the storage module it opens shop files with. */
const SOURCES = [join(ROOT, 'trainer'), join(ROOT, 'storage')];

/**
 * The bundle of the current sources, dist/trainer/<stamp of their paths, sizes and times>/, built when missing.
 * Built in a private folder then renamed into place, so concurrent callers (parallel test files) never see half
 * a bundle; `current.json` is replaced by rename too. Folders of older sources are removed an hour after they
 * were built, so a run started from one just before a rebuild finishes.
 */
export function ensureTrainerBundle() {
  const stamp = sourceStamp();
  const dir = join(TRAINER_DIST, stamp);
  if (!existsSync(join(dir, 'main.mjs'))) {
    mkdirSync(TRAINER_DIST, {recursive: true});
    const building = `${dir}.${process.pid}.${Date.now()}`;
    buildSync({
      // The worker keeps its name: threads.ts starts `./threads-worker.mjs` next to itself, here the bundled worker.
      entryPoints: {main: join(ROOT, 'trainer/main.ts'), 'threads-worker': join(ROOT, 'trainer/threads-worker.ts')},
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
    try {
      renameSync(building, dir);
    } catch {
      // Another process finished the same bundle first.
      rmSync(building, {recursive: true, force: true});
    }
  }
  const pointer = join(TRAINER_DIST, 'current.json');
  if (readPointer(pointer) !== stamp) {
    const tmp = `${pointer}.${process.pid}`;
    writeFileSync(tmp, JSON.stringify({dir: stamp}) + '\n');
    renameSync(tmp, pointer);
  }
  pruneOld(dir);
  return dir;
}

function readPointer(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).dir;
  } catch {
    return undefined;
  }
}

function sourceStamp() {
  const hash = createHash('sha1');
  const walk = (dir) => {
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

function pruneOld(keep) {
  for (const name of readdirSync(TRAINER_DIST)) {
    const path = join(TRAINER_DIST, name);
    if (path === keep || name === 'current.json') continue;
    if (Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, {recursive: true, force: true});
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`trainer bundle: ${ensureTrainerBundle()}`);
}
