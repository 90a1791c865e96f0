import {join} from 'node:path';
import {ensureTrainerBundle} from '../scripts/build-trainer.mjs';

/** [node, args] that run the trainer's bundle of the current sources (rebuilt when one changed): for tests and the bench. */
export function trainerCommand(args: string[]): [string, string[]] {
  return [process.execPath, [join(ensureTrainerBundle(), 'main.mjs'), ...args]];
}
