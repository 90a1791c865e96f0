export {ShopifyStandin} from './server';
export type {MetafieldView, RecordedRequest, ShopSeed, StandinOptions} from './server';
export {gid, parseGid, resolveNamespace} from './resolvers';
export type {BulkOperationRecord, ShopState} from './state';
