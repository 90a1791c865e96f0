import {ensureTrainerBundle} from '../scripts/build-trainer.mjs';

/** Once per run, before any test file: the server's training jobs spawn the built trainer, as in production. */
export default function setup(): void {
  ensureTrainerBundle();
}
