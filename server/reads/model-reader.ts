import type {ModelReader} from '../recommend/model-cache';
import {ROWS_PER_PAGE} from '../recommend/model-cache';
import {activeModelVersion} from '../../storage/repos/model-serving';
import type {ShopDomain} from '../../storage/shop-domain';
import type {ReadPool} from './read-pool';

/** The model cache's reader for the server: the pointer on the shop's handle (one keyed read), the pages on a read thread. */
export function readThreadModelReader(reads: ReadPool): ModelReader {
  return {
    activeVersion: activeModelVersion,
    companionPage: (shop, _db, version, after, limit) => reads.run(shop as ShopDomain, 'companionPage', version, after, limit),
    cartPage: (shop, _db, version, after, limit) => reads.run(shop as ShopDomain, 'cartPage', version, after, limit),
    rowsPerPage: ROWS_PER_PAGE,
  };
}
