import {readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {TrainerNotBuilt} from '../../domain/errors';

/** Where `npm run build` (scripts/build-trainer.mjs) puts the trainer's bundles and the pointer to the newest. */
const TRAINER_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/trainer');

/**
 * The built trainer's entry file, read from the pointer the build writes: the server spawns this artifact and
 * never loads the trainer's sources or a bundler. Read at each start, so a rebuild reaches the next run.
 */
export function trainerEntry(dist = TRAINER_DIST): string {
  let dir: unknown;
  try {
    dir = (JSON.parse(readFileSync(join(dist, 'current.json'), 'utf8')) as {dir?: unknown}).dir;
  } catch {
    dir = undefined;
  }
  if (typeof dir !== 'string' || !/^[0-9a-f]+$/.test(dir)) throw new TrainerNotBuilt(`the trainer is not built (${dist}/current.json): run npm run build`);
  return join(dist, dir, 'main.mjs');
}
