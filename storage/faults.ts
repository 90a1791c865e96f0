/**
 * Which storage failures say "this file cannot be used right now" and which say "this value cannot be stored":
 * the first makes a shop answer 503 (Shopify retries, the file can be repaired), the second is the delivery's
 * own fault, recorded as unreadable and never retried. Anything else is a bug.
 * Codes: https://www.sqlite.org/rescode.html
 */

/** The file, the disk or the lock: SQLite's result codes (extended codes start with the primary one) and Node's. */
const FILE_FAULT = /^(SQLITE_(CORRUPT|NOTADB|IOERR|CANTOPEN|FULL|READONLY|PERM|PROTOCOL|BUSY|LOCKED|NOLFS)|E(NOSPC|IO|ACCES|PERM|ROFS|MFILE|NFILE|DQUOT))/;

/** The statement refused the values: a key twice, a value too big for a column or for SQLite. */
const VALUE_REFUSED = /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/;

function codeOf(err: unknown): string | null {
  const code = (err as {code?: unknown} | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** "SQLITE_CORRUPT: database disk image is malformed" when the failure is the file's, else null. */
export function fileFault(err: unknown): string | null {
  const code = codeOf(err);
  return code && FILE_FAULT.test(code) ? `${code}: ${(err as Error).message}` : null;
}

/** "SQLITE_CONSTRAINT_PRIMARYKEY: UNIQUE constraint failed: ..." when the values were refused, else null. */
export function valueRefused(err: unknown): string | null {
  const code = codeOf(err);
  if (code && VALUE_REFUSED.test(code)) return `${code}: ${(err as Error).message}`;
  // better-sqlite3 refuses a BigInt beyond 64 bits, or a value SQLite has no storage class for, before SQLite sees it.
  const bind = (err instanceof RangeError && /is too big$/.test(err.message)) || (err instanceof TypeError && /^SQLite3 can only bind/.test(err.message));
  if (bind) return `${(err as Error).name}: ${(err as Error).message}`;
  return null;
}
