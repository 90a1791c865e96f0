// `npm start` and `npm run dev`: build the admin page when app/dist is missing or older than its sources, and the
// trainer's bundle when it is missing or its sources changed, so the server only ever serves and spawns artifacts.
import {execSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {adminBuildStale} from './admin-build.mjs';
import {ensureTrainerBundle} from './build-trainer.mjs';

if (existsSync('app/index.html') && adminBuildStale(process.cwd())) {
  execSync('npx vite build app', {stdio: 'inherit'});
}
ensureTrainerBundle();
