import {LRUCache} from 'lru-cache';
import type {Db} from '../../storage/open';
import type {Candidate, CartWeight} from '../../domain/model';

/** One shop's active model held in memory: companions by anchor product, best first, and the cart model's weights. */
export interface ModelSnapshot {
  version: number;
  companions: ReadonlyMap<number, readonly Candidate[]>;
  cart: ReadonlyMap<number, readonly CartWeight[]>;
}

export interface ModelReader {
  activeVersion(db: Db): number | null;
  loadCompanions(db: Db, version: number): Map<number, Candidate[]>;
  loadCart(db: Db, version: number): Map<number, CartWeight[]>;
}

const EMPTY: ModelSnapshot = {version: 0, companions: new Map(), cart: new Map()};

/**
 * Heap bytes of a snapshot, estimated from its shape: V8 holds a candidate as an object with three boxed
 * doubles, a list as an array in a Map entry. Calibrated on the measurement (+60 MiB for a 20k-product
 * shop of 20 companions each: about 150 bytes a candidate).
 */
const BYTES = {list: 100, candidate: 150, cartWeight: 70, snapshot: 500};

export function snapshotBytes(s: ModelSnapshot): number {
  let bytes = BYTES.snapshot;
  for (const list of s.companions.values()) bytes += BYTES.list + list.length * BYTES.candidate;
  for (const list of s.cart.values()) bytes += BYTES.list + list.length * BYTES.cartWeight;
  return bytes;
}

/**
 * The storefront's copy of the active models of the shops asked most recently, at most `maxBytes` of them (the
 * least recently used are dropped, and loaded again when asked). A request checks the active-version pointer
 * (one indexed read); when the trainer has flipped it, the new version is loaded whole and then swapped in with
 * one assignment, so a request sees the old list or the new one, never a mix. A model larger than the whole
 * bound serves the request that loaded it and is not kept.
 */
export class ModelCache {
  private readonly snapshots: LRUCache<string, ModelSnapshot>;
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

  get(shop: string, db: Db): ModelSnapshot {
    const version = this.reader.activeVersion(db);
    if (version === null) return EMPTY;
    const current = this.snapshots.get(shop);
    if (current?.version === version) return current;
    const next: ModelSnapshot = {version, companions: this.reader.loadCompanions(db, version), cart: this.reader.loadCart(db, version)};
    this.snapshots.set(shop, next);
    return next;
  }

  forget(shop: string): void {
    this.snapshots.delete(shop);
  }

  /** The cache's own accounting: estimated bytes held, shops held, shops dropped to stay under the bound. */
  stats(): {bytes: number; shops: number; evictions: number} {
    return {bytes: this.snapshots.calculatedSize, shops: this.snapshots.size, evictions: this.dropped};
  }
}
