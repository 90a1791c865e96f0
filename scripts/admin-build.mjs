// Whether the admin page's build (app/dist) is missing or older than what it is built from: app/ and domain/
// (the admin imports the settings schema and the API's shapes from there) and the lockfile (a dependency change
// rebuilds too: a bundle of other packages' versions is not what the sources give).
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

export function adminBuildStale(root) {
  const built = join(root, 'app/dist/index.html');
  if (!existsSync(built)) return true;
  const lock = join(root, 'package-lock.json');
  const sources = Math.max(newest(join(root, 'app')), newest(join(root, 'domain')), existsSync(lock) ? statSync(lock).mtimeMs : 0);
  return statSync(built).mtimeMs < sources;
}
