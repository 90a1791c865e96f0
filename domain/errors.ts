/**
 * Every error Pairwise raises on purpose, one class each, all from one base: the HTTP layer answers a
 * PairwiseError that reaches it with its `status` and `code` (server/app.ts), anything else is a bug (500).
 * Expected bad input is not an error: validation returns a result.
 */
export abstract class PairwiseError extends Error {
  /** The HTTP status a request that ran into it is answered with. */
  abstract readonly status: number;
  /** Machine-readable, in the API's `error.code`. */
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The environment is missing a variable or has a bad one: start-up stops with this message. */
export class ConfigError extends PairwiseError {
  readonly status = 500;
  readonly code = 'config';
}

/** The trainer's bundle is missing: `npm run build` makes it. */
export class TrainerNotBuilt extends PairwiseError {
  readonly status = 503;
  readonly code = 'trainer_not_built';
}

/** No offline token for the shop: the merchant must open the app once (token exchange). */
export class NoOfflineSession extends PairwiseError {
  readonly status = 409;
  readonly code = 'no_offline_session';
}

/** Shopify refused or failed a metafield write after its retries. */
export class PublishError extends PairwiseError {
  readonly status = 502;
  readonly code = 'publish_failed';
}

/** A bulk operation failed, was cancelled or its result could not be read. */
export class BackfillError extends PairwiseError {
  readonly status = 502;
  readonly code = 'backfill_failed';
}

/** A webhook that verified but does not have the shape we need: acknowledged and recorded, never retried. */
export class UnreadablePayload extends PairwiseError {
  readonly status = 400;
  readonly code = 'unreadable_payload';
}

/** The shop has no file: never installed, or redacted. A process that outlives shop/redact must not recreate it. */
export class ShopGone extends PairwiseError {
  readonly status = 404;
  readonly code = 'shop_gone';
}

/** The shop file's schema is not the one this code was built for: the server migrates, the trainer refuses. */
export class SchemaMismatch extends PairwiseError {
  readonly status = 503;
  readonly code = 'schema_mismatch';
}

/** A required column is missing from the trainer's input: the one fatal input error. */
export class MissingColumnError extends PairwiseError {
  readonly status = 400;
  readonly code = 'missing_column';

  constructor(readonly column: string, file: string) {
    super(`${file}: required column "${column}" is missing from the header`);
  }
}

/**
 * One shop's file cannot be used right now (damaged, not a database, empty, a disk error): that shop's requests
 * get 503 (Shopify retries webhooks), every other shop is served. The message names the file and the SQLite error.
 */
export class ShopUnavailable extends PairwiseError {
  readonly status = 503;
  readonly code = 'shop_unavailable';

  constructor(readonly shop: string, readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`);
  }
}

/** app.db cannot be used (empty where a database was, damaged): start-up stops with this message instead of starting over. */
export class AppDbRefused extends PairwiseError {
  readonly status = 503;
  readonly code = 'app_db_refused';
}

/**
 * The server's read threads hold as many waiting reads as they may (in all, or for this shop): the request is
 * answered 503 with `Retry-After` instead of joining a queue that would only grow.
 */
export class ReadsBusy extends PairwiseError {
  readonly status = 503;
  readonly code = 'busy';

  constructor(message: string, readonly retryAfterS: number) {
    super(message);
  }
}
