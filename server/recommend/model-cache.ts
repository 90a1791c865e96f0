import {LRUCache} from 'lru-cache';
import type {Db} from '../../storage/open';
import type {Candidate, CartWeight} from '../../domain/model';
import {CompactLists} from './compact-lists';
import type {ModelPage} from '../../storage/repos/model-serving';

/**
 * What a list is worked out from: a product's companions and its cart weights. A snapshot is one; so are the few
 * products' lists a metafield publish step reads by key (server/reads/publish-changes.ts).
 */
export interface ModelLists {
  companions: {get(productId: number): readonly Candidate[] | undefined};
  cart: {get(productId: number): readonly CartWeight[] | undefined};
}

/** One shop's active model held in memory: companions by anchor product, best first, and the cart model's weights. */
export interface ModelSnapshot {
  version: number;
  companions: CompactLists<Candidate>;
  cart: CompactLists<CartWeight>;
}

const candidateLists = () => new CompactLists<Candidate>(4, (c, i) => ({id: c[0][i], score: c[1][i], confidence: c[2][i], lift: c[3][i]}));
const cartLists = () => new CompactLists<CartWeight>(2, (c, i) => ({id: c[0][i], weight: c[1][i]}));

/**
 * How the cache reads the model tables: the pointer (on the shop's handle: one keyed read), and each table of a
 * version in keyset pages of `rowsPerPage`, which the server reads on its read threads (server/reads), so the
 * event loop only joins the pages.
 */
export interface ModelReader {
  activeVersion(db: Db): number | null;
  /** Up to `limit` entries of the version's lists after (product, rank) `after`, in (product, rank) order. */
  companionPage(shop: string, db: Db, version: number, after: readonly [number, number], limit: number): ModelPage | Promise<ModelPage>;
  /** Up to `limit` cart weights of the version after (product, companion) `after`, in that order. */
  cartPage(shop: string, db: Db, version: number, after: readonly [number, number], limit: number): ModelPage | Promise<ModelPage>;
  rowsPerPage: number;
}

const EMPTY: ModelSnapshot = {version: 0, companions: candidateLists().seal(), cart: cartLists().seal()};

/**
 * Bytes of a snapshot, from its shape: each entry is a few doubles in typed columns (8 bytes each), each list
 * an entry in the id index and a start offset: about 13 MiB for a 20k-product shop of 20 companions (367k
 * candidates), which took 48 MiB of heap (measured) as one object per candidate.
 */
const BYTES = {list: 80, candidate: 4 * 8, cartWeight: 2 * 8, snapshot: 1_000};

export function snapshotBytes(s: ModelSnapshot): number {
  return BYTES.snapshot + (s.companions.size + s.cart.size) * BYTES.list + s.companions.total * BYTES.candidate + s.cart.total * BYTES.cartWeight;
}

/**
 * Rows of a page read on a read thread (server/reads). Reading rows from SQLite cost 1-4 us a row on this 2-core
 * machine, on the event loop until [T] round 3: in pages of 500 a 10k-product shop's load held each turn 1-5 ms
 * and did not finish within the isolation bench's 5 s. On a read thread the loop only appends a page's columns
 * (well under 1 ms for 5,000 rows), and a page is short enough that another shop's read waits at most one.
 */
export const ROWS_PER_PAGE = 5_000;
/**
 * How long a read of the active-version pointer is trusted. The trainer is another process that flips the
 * pointer in the shop file; a request serves the version read at most this long ago (and the training job
 * that saw its trainer publish refreshes it, so in one process a publish is seen at once).
 */
export const POINTER_TTL_MS = 1_000;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The model tables changed under a load (the handle was closed: the shop's file was evicted, replaced or redacted). */
class LoadAbandoned extends Error {}

/**
 * The storefront's copy of the active models of the shops asked most recently, at most `maxBytes` of them (the
 * least recently used are dropped, and loaded again when asked). The active-version pointer is read at most
 * once per POINTER_TTL_MS per shop; when the trainer has flipped it, the new version is loaded in pages that
 * yield to the event loop, so no other shop's request waits behind a big shop's load; requests for a shop
 * whose load is under way share that one load, and while a new version loads the old one keeps serving. The
 * new version is swapped in with one assignment, so a request sees the old list or the new one, never a mix.
 * A model larger than the whole bound serves the requests that waited for it and is not kept.
 */
export class ModelCache {
  private readonly snapshots: LRUCache<string, ModelSnapshot>;
  private readonly pointers = new Map<string, {version: number | null; readAt: number}>();
  private readonly loading = new Map<string, {version: number; db: Db; done: Promise<ModelSnapshot>}>();
  private dropped = 0;

  constructor(
    private readonly reader: ModelReader,
    maxBytes: number,
  ) {
    this.snapshots = new LRUCache<string, ModelSnapshot>({
      maxSize: maxBytes,
      sizeCalculation: (s) => Math.max(1, snapshotBytes(s)),
      dispose: (_s, _shop, reason) => {
        if (reason === 'evict') this.dropped++;
      },
    });
  }

  /**
   * The shop's active model. `fresh` reads the pointer now instead of trusting a recent read (after a publish).
   * Resolves at once when the version is held (or an older one is, while the new one loads).
   */
  async get(shop: string, db: Db, opts: {fresh?: boolean} = {}): Promise<ModelSnapshot> {
    const version = this.activeVersion(shop, db, opts.fresh === true);
    if (version === null) return EMPTY;
    const current = this.snapshots.get(shop);
    if (current?.version === version) return current;
    const load = this.load(shop, db, version);
    // An older version keeps serving while the new one loads; with none held, the request waits for the load.
    return current && current.version < version ? current : load;
  }

  /**
   * A publish just flipped the shop's pointer: read it now, so the next request starts loading the new version
   * (the old one serving meanwhile) rather than trust a read up to POINTER_TTL_MS old. Nothing is loaded here: a
   * model no storefront asked for is never loaded (before [T] round 4 the publish loaded it, 0.1-0.3 s of the event
   * loop for a 10k-product shop in the isolation bench, and its memory).
   */
  refresh(shop: string, db: Db): void {
    this.activeVersion(shop, db, true);
  }

  /** Drops the shop's model and its pointer (the shop's data was erased). */
  forget(shop: string): void {
    this.snapshots.delete(shop);
    this.pointers.delete(shop);
    this.loading.delete(shop);
  }

  /** The cache's own accounting: estimated bytes held, shops held, shops dropped to stay under the bound. */
  stats(): {bytes: number; shops: number; evictions: number} {
    return {bytes: this.snapshots.calculatedSize, shops: this.snapshots.size, evictions: this.dropped};
  }

  private activeVersion(shop: string, db: Db, fresh: boolean): number | null {
    const now = performance.now();
    const seen = this.pointers.get(shop);
    if (!fresh && seen && now - seen.readAt < POINTER_TTL_MS) return seen.version;
    const version = this.reader.activeVersion(db);
    this.pointers.set(shop, {version, readAt: now});
    return version;
  }

  /** The one load of this version for this shop, started now or already under way. */
  private load(shop: string, db: Db, version: number): Promise<ModelSnapshot> {
    const running = this.loading.get(shop);
    if (running && running.version === version && running.db === db) return running.done;
    const done = this.read(shop, db, version).then(
      (snapshot) => {
        if (this.loading.get(shop)?.done === done) {
          this.loading.delete(shop);
          const held = this.snapshots.get(shop);
          if (!held || held.version <= snapshot.version) this.snapshots.set(shop, snapshot);
        }
        return snapshot;
      },
      (err: unknown) => {
        if (this.loading.get(shop)?.done === done) this.loading.delete(shop);
        throw err;
      },
    );
    this.loading.set(shop, {version, db, done});
    return done;
  }

  private async read(shop: string, db: Db, version: number): Promise<ModelSnapshot> {
    const limit = this.reader.rowsPerPage;
    const companions = candidateLists();
    for (let after: readonly [number, number] = [-1, -1]; ; ) {
      const page = await this.page(() => this.reader.companionPage(shop, db, version, after, limit), db);
      companions.append(page.productIds, page.values);
      const n = page.productIds.length;
      if (n < limit) break;
      after = [page.productIds[n - 1], page.keys[n - 1]];
      await yieldToLoop();
    }
    const cart = cartLists();
    for (let after: readonly [number, number] = [-1, -1]; ; ) {
      const page = await this.page(() => this.reader.cartPage(shop, db, version, after, limit), db);
      cart.append(page.productIds, page.values);
      const n = page.productIds.length;
      if (n < limit) break;
      after = [page.productIds[n - 1], page.keys[n - 1]];
      await yieldToLoop();
    }
    return {version, companions: companions.seal(), cart: cart.seal()};
  }

  private async page(read: () => ModelPage | Promise<ModelPage>, db: Db): Promise<ModelPage> {
    if (!db.open) throw new LoadAbandoned('the shop file was closed during a model load');
    const page = await read();
    // Read elsewhere (a read thread) while the shop's handle was closed: what it read may be a file since replaced.
    if (!db.open) throw new LoadAbandoned('the shop file was closed during a model load');
    return page;
  }
}
