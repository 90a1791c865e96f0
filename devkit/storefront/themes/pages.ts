/**
 * Pages of a real theme: a JSON template's sections rendered in order into `content_for_layout`, then
 * `layout/theme.liquid` around them, as Shopify renders a storefront page
 * (https://shopify.dev/docs/storefronts/themes/architecture/templates/json-templates). The Pairwise blocks go
 * where a merchant puts them in the theme editor: the product block into the product section's blocks (an
 * `@app` slot), the cart upsell embed into the page's body (an app embed with `"target": "body"`,
 * https://shopify.dev/docs/apps/build/online-store/theme-app-extensions/configuration#app-embed-blocks).
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {createThemeEngine} from './engine';
import type {ThemeEngine, ThemeRenderHooks} from './engine';
import {ThemeFiles} from './theme-files';
import type {NodeData, RealThemeName, TemplateData} from './theme-files';

const injectedDir = join(fileURLToPath(new URL('.', import.meta.url)), 'injected');
/** Shopify's standard actions runtime as the preview stands in for it (served at `/cdn/shopify/standard-actions.js`). */
export const standardActionsJs = readFileSync(join(injectedDir, 'standard-actions.js'), 'utf8');
/** The standard events module the themes import from `https://cdn.shopify.com/storefront/standard-events.js`. */
export const standardEventsJs = readFileSync(join(injectedDir, 'standard-events.js'), 'utf8');
export const standardEventsCdnUrl = 'https://cdn.shopify.com/storefront/standard-events.js';
/** What renders the accelerated checkout buttons `payment_button` hosts (served at `/cdn/shopify/accelerated-checkout.js`). */
export const acceleratedCheckoutJs = readFileSync(join(injectedDir, 'accelerated-checkout.js'), 'utf8');

/** The app block id the preview gives the Pairwise product block inside a theme's product section. */
export const pairwiseProductBlockId = 'pairwise_fbt';
const pairwiseBlockType = (name: string) => `shopify://apps/pairwise/blocks/${name}/00000000-0000-4000-8000-000000000001`;

/**
 * Puts the Pairwise product block into the template's product section as the theme editor saves it: Horizon
 * nests blocks (the `_product-details` static block takes `@app`), Dawn lists them in the section.
 */
export function withProductBlock(template: TemplateData, checkout: boolean): TemplateData {
  const copy = structuredClone(template);
  const main = copy.sections.main;
  // Dynamic checkout buttons (`payment_button`) need a checkout. Where the preview store has none, the merchant
  // setting that shows them is turned off, as a merchant can in the theme editor; where it has one, the theme's
  // own setting stays (Dawn's product template turns them on).
  for (const block of Object.values(main.blocks ?? {})) {
    if (!checkout && block.settings && 'show_dynamic_checkout' in block.settings) block.settings.show_dynamic_checkout = false;
  }
  const block: NodeData = {type: pairwiseBlockType('frequently-bought-together'), settings: {}};
  const details = main.blocks?.['product-details'];
  const host = details ?? main;
  host.blocks = {...host.blocks, [pairwiseProductBlockId]: block};
  const order = host.block_order ?? Object.keys(host.blocks).filter((k) => !host.blocks![k].static && k !== pairwiseProductBlockId);
  const after = order.findIndex((k) => /buy|add-to-cart|buy_buttons/.test(k));
  order.splice(after < 0 ? order.length : after + 1, 0, pairwiseProductBlockId);
  host.block_order = order;
  return copy;
}

/** The app block id of the Pairwise cart upsell on a theme's cart page. */
export const pairwiseCartBlockId = 'pairwise_upsell';

/** Puts the cart upsell block into the cart template's section that takes app blocks (Horizon's main-cart, Dawn's footer). */
export function withCartBlock(template: TemplateData): TemplateData {
  const copy = structuredClone(template);
  const key = Object.keys(copy.sections).find((k) => ['main-cart', 'main-cart-footer'].includes(copy.sections[k].type));
  if (!key) throw new Error('cart template has no section that takes app blocks');
  const host = copy.sections[key];
  host.blocks = {...host.blocks, [pairwiseCartBlockId]: {type: pairwiseBlockType('cart-upsell'), settings: {}}};
  host.block_order = [...(host.block_order ?? Object.keys(host.blocks).filter((k) => !host.blocks![k].static && k !== pairwiseCartBlockId)), pairwiseCartBlockId];
  return copy;
}

export interface ThemePageInput {
  template: 'product' | 'cart';
  /** Every Liquid global of the page (product, cart, shop, routes, request, ...), settings excluded. */
  globals: Record<string, unknown>;
  /** `content_for_header`: what Shopify injects into the head. */
  header: string;
  /** App embeds, placed before `</body>`. */
  embeds: string;
}

export class ThemeRenderer {
  readonly files: ThemeFiles;
  private readonly engines = new Map<string, ThemeEngine>();

  constructor(
    readonly name: RealThemeName,
    private readonly hooks: (locale: string) => Omit<ThemeRenderHooks, 'checkout'>,
    /** Whether the store checks out: the product page then offers the theme's dynamic checkout button. */
    private readonly checkout = false,
  ) {
    this.files = new ThemeFiles(name);
  }

  engine(locale: string): ThemeEngine {
    let engine = this.engines.get(locale);
    if (!engine) {
      engine = createThemeEngine(this.files, {...this.hooks(locale), checkout: this.checkout});
      this.engines.set(locale, engine);
    }
    return engine;
  }

  /** Section ids of the page's template (`template--1__<key>`), as the Section Rendering API knows them. */
  templateSections(template: 'product' | 'cart'): Record<string, NodeData> {
    const data = template === 'product' ? withProductBlock(this.files.template(template), this.checkout) : withCartBlock(this.files.template(template));
    return Object.fromEntries(data.order.filter((k) => !data.sections[k].disabled).map((k) => [`template--1__${k}`, data.sections[k]]));
  }

  private scope(locale: string, globals: Record<string, unknown>) {
    return {...globals, settings: this.engine(locale).globalSettings()};
  }

  /** One section by its id: a template section, a section group's, or a static `sections/<id>.liquid`. */
  async renderSectionById(id: string, template: 'product' | 'cart', locale: string, globals: Record<string, unknown>): Promise<string | null> {
    const engine = this.engine(locale);
    const scope = this.scope(locale, globals);
    const fromTemplate = this.templateSections(template)[id];
    if (fromTemplate) return engine.renderSection(id, fromTemplate, scope);
    const group = /^sections--([\w-]+)__(.+)$/.exec(id);
    if (group) {
      const data = this.files.group(group[1])?.sections[group[2]];
      return data ? engine.renderSection(id, data, scope) : null;
    }
    if (/^[\w-]+$/.test(id) && this.files.has('sections', `${id}.liquid`)) return engine.renderSection(id, {type: id}, scope);
    return null;
  }

  async renderPage(input: ThemePageInput, locale: string): Promise<string> {
    const engine = this.engine(locale);
    const scope = this.scope(locale, {...input.globals, template: {name: input.template, suffix: null, directory: null, toString: () => input.template}});
    const parts: string[] = [];
    for (const [id, data] of Object.entries(this.templateSections(input.template))) parts.push(await engine.renderSection(id, data, scope));
    const layout = engine.liquid.parseFileSync(this.files.path('layout', 'theme.liquid'));
    const html = await engine.liquid.render(layout, {...scope, content_for_layout: parts.join('\n'), content_for_header: input.header}, {globals: scope});
    return html.replace(/<\/body>(?![\s\S]*<\/body>)/, `${input.embeds}</body>`);
  }
}
