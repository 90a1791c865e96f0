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
 * The storefront's copy of each shop's active model. A request checks the active-version pointer (one
 * indexed read); when the trainer has flipped it, the new version is loaded whole and then swapped in with
 * one assignment, so a request sees the old list or the new one, never a mix.
 */
export class ModelCache {
  private readonly snapshots = new Map<string, ModelSnapshot>();

  constructor(private readonly reader: ModelReader) {}

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
}
