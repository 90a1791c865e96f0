export {createPreviewStorefront, newProxySecret} from './server';
export type {PreviewStorefront, PreviewStorefrontOptions, StorefrontEvent} from './server';
export type {StoreProduct, RecommendationsFor} from './catalog';
export {proxySignature, signProxyQuery} from './sign';
export {renderBlock, formatMoney, storefrontLocales} from './liquid';
export {blockBudgets} from './budget';
export type {BlockBudget} from './budget';
