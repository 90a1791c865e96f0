import type {Database as Db} from 'better-sqlite3';

/**
 * Makes a repo factory return one instance per database handle, so its statements are prepared once per
 * connection rather than on every request (preparing costs more than running a simple statement).
 */
export function perDb<T>(factory: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let repo = made.get(db);
    if (!repo) made.set(db, (repo = factory(db)));
    return repo;
  };
}
