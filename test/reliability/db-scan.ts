/**
 * Scans for what is left of a shop after shop/redact. It reads every table there is, not the tables the repos
 * know, so a table added later is scanned too: that is why this reads the schema directly instead of a repo.
 */
import {readFileSync, readdirSync} from 'node:fs';
import {join, relative} from 'node:path';
import Database from 'better-sqlite3';

/** Every row, in every table of the SQLite file, whose values mention `needle`. */
export function rowsMentioning(file: string, needle: string): {table: string; row: unknown}[] {
  const db = new Database(file, {readonly: true, fileMustExist: true});
  try {
    const tables = db.prepare<[], {name: string}>(`SELECT name FROM sqlite_master WHERE type = 'table'`).all();
    return tables.flatMap(({name}) =>
      db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all()
        .filter((row) => JSON.stringify(row).includes(needle))
        .map((row) => ({table: name, row})),
    );
  } finally {
    db.close();
  }
}

/** Every file under `dir`, as paths relative to it. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** Whether the file's raw bytes contain `needle` (deleted SQLite rows can linger in free pages and the WAL). */
export function bytesMention(file: string, needle: string): boolean {
  return readFileSync(file).includes(needle);
}
