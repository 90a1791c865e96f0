/**
 * The schema versions this code reads and writes: the number of the last migration in migrations/shop and
 * migrations/app. The server migrates up to them at open; the trainer, which never migrates, refuses any other.
 */
export const SHOP_SCHEMA_VERSION = 31;
export const APP_SCHEMA_VERSION = 5;
