// `npm start` builds the admin page first when app/dist is missing or older than its sources.
import {execSync} from 'node:child_process';
import {existsSync, readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

// The admin imports a few server modules (zod schemas, types), so their changes count too.
const built = 'app/dist/index.html';
const sources = Math.max(newest('app'), newest('server/db'), newest('server/routes/api'));
if (existsSync('app/index.html') && (!existsSync(built) || statSync(built).mtimeMs < sources)) {
  execSync('npm run build', {stdio: 'inherit'});
}
