import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Database} from 'better-sqlite3';

const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;

/**
 * Applies the numbered `.sql` files in `dir` above the database's `user_version`, each in its own transaction
 * with the version bump, so a crash leaves the file at a whole migration.
 */
export function migrate(db: Database, dir: string): number {
  const current = db.pragma('user_version', {simple: true}) as number;
  const files = readdirSync(dir)
    .map((name) => ({name, match: MIGRATION_FILE.exec(name)}))
    .filter((f): f is {name: string; match: RegExpExecArray} => f.match !== null)
    .map((f) => ({name: f.name, version: Number(f.match[1])}))
    .sort((a, b) => a.version - b.version);
  let applied = current;
  for (const file of files) {
    if (file.version <= current) continue;
    const sql = readFileSync(join(dir, file.name), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${file.version}`);
    })();
    applied = file.version;
  }
  return applied;
}
