// `npm run train -- <args>`: the trainer's bundle (rebuilt when a source changed), with the terminal attached.
import {spawnSync} from 'node:child_process';
import {join} from 'node:path';
import {ensureTrainerBundle} from './build-trainer.mjs';

process.exitCode = spawnSync(process.execPath, [join(ensureTrainerBundle(), 'main.mjs'), ...process.argv.slice(2)], {stdio: 'inherit'}).status ?? 1;
