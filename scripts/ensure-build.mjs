// `npm start` and `npm run dev`: build the admin page when app/dist is missing or older than its sources, and the
// trainer's bundle when it is missing or its sources changed, so the server only ever serves and spawns artifacts.
import {execSync} from 'node:child_process';
import {existsSync, readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {ensureTrainerBundle} from './build-trainer.mjs';

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

// The admin imports the settings schema and the API's shapes from domain/, so their changes count too.
const built = 'app/dist/index.html';
const sources = Math.max(newest('app'), newest('domain'));
if (existsSync('app/index.html') && (!existsSync(built) || statSync(built).mtimeMs < sources)) {
  execSync('npx vite build app', {stdio: 'inherit'});
}
ensureTrainerBundle();
