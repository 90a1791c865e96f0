/**
 * What the stand-in knows about each shop: the catalogue and orders it was seeded with, the app-owned
 * metafields the app wrote, bulk operations, access tokens and the cost bucket.
 */
import type {StoreOrder, StoreProduct} from '../store-generator';
import {LeakyBucket} from './cost';
import type {BucketOptions} from './cost';

export interface MetafieldRecord {
  id: number;
  ownerId: number;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

/** An automatic app discount (discountAutomaticAppCreate) with its own metafields. */
export interface AppDiscountRecord {
  id: number;
  title: string;
  functionHandle: string;
  discountClasses: string[];
  combinesWith: {orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean};
  startsAt: string;
  endsAt: string | null;
  createdAt: string;
  updatedAt: string;
  metafields: MetafieldRecord[];
}

export type BulkStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELING' | 'CANCELED';

export interface BulkOperationRecord {
  id: number;
  query: string;
  status: BulkStatus;
  errorCode: string | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
}

export interface AccessToken {
  token: string;
  shop: string;
  scope: string;
  online: boolean;
  /** ms since the epoch; undefined for a non-expiring offline token. */
  expiresAt?: number;
}

let nextId = 1;
/** Ids for objects the stand-in creates (metafields, bulk operations), unique across shops like Shopify's. */
export function newId(): number {
  return 9_000_000_000 + nextId++;
}

export class ShopState {
  readonly id = newId();
  readonly products = new Map<number, StoreProduct>();
  readonly orders: StoreOrder[] = [];
  readonly metafields = new Map<string, MetafieldRecord>();
  /** App-data metafields, owned by the app's installation on this shop (gid://shopify/AppInstallation/<app id>). */
  readonly appMetafields = new Map<string, MetafieldRecord>();
  readonly bulkOperations = new Map<number, BulkOperationRecord>();
  /** While set, bulk operations that have written their file wait here before completing (tests: places held). */
  bulkHold: Promise<void> | null = null;
  /** Automatic app discounts by id (the number in gid://shopify/DiscountAutomaticNode/<id>). */
  readonly discounts = new Map<number, AppDiscountRecord>();
  /** The app's web pixel on this shop (webPixelCreate), which the storefront loads with these settings. */
  webPixel: {id: number; settings: Record<string, string>} | undefined;
  readonly bucket: LeakyBucket;

  constructor(
    readonly domain: string,
    readonly name: string,
    readonly currency: string,
    bucket: BucketOptions,
  ) {
    this.bucket = new LeakyBucket(bucket);
  }

  /** Products in id order, the order Shopify's connections default to. */
  productList(): StoreProduct[] {
    return [...this.products.values()].sort((a, b) => a.id - b.id);
  }

  metafieldKey(ownerId: number, namespace: string, key: string): string {
    return `${ownerId}\u0000${namespace}\u0000${key}`;
  }

  metafieldsOf(ownerId: number): MetafieldRecord[] {
    return [...this.metafields.values()].filter((m) => m.ownerId === ownerId);
  }

  /** The newest bulk query operation, which `currentBulkOperation` answers with. */
  currentBulkOperation(): BulkOperationRecord | undefined {
    let latest: BulkOperationRecord | undefined;
    for (const op of this.bulkOperations.values()) if (!latest || op.id > latest.id) latest = op;
    return latest;
  }
}
