// The module `shopify app deploy` compiles; each export is a target named in shopify.extension.toml.
export {cartLinesDiscountsGenerateRun} from './cart_lines_discounts_generate_run.js';
