/**
 * A Shopify theme read from its own source folder (`../shared/themes/<name>/`, never copied into the project):
 * templates, section groups, section and block schemas, locales, settings and the `{% stylesheet %}` /
 * `{% javascript %}` bodies Shopify bundles into one compiled asset per theme
 * (https://shopify.dev/docs/storefronts/themes/best-practices/javascript-and-stylesheet-tags).
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parse as parseJsonc} from 'jsonc-parser';
import type {ParseError} from 'jsonc-parser';

export const themesRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/themes');

/** The real themes the preview storefront renders (each skipped where its folder is absent). */
export const realThemes = ['horizon', 'dawn'] as const;
export type RealThemeName = (typeof realThemes)[number];

export const themeDir = (name: RealThemeName): string => join(themesRoot, name);
export const themeAvailable = (name: RealThemeName): boolean => existsSync(join(themeDir(name), 'layout', 'theme.liquid'));

export interface SettingSchema {
  id?: string;
  type: string;
  default?: unknown;
}

export interface NodeSchema {
  settings?: SettingSchema[];
  blocks?: ({type: string} & NodeSchema)[];
  class?: string;
  tag?: string;
}

/** A section or block as a template or section-group JSON stores it. */
export interface NodeData {
  type: string;
  settings?: Record<string, unknown>;
  blocks?: Record<string, NodeData>;
  block_order?: string[];
  static?: boolean;
  disabled?: boolean;
}

export interface TemplateData {
  sections: Record<string, NodeData>;
  order: string[];
}

/** Theme JSON files carry comments (a generated header, translator notes), as Shopify allows: JSONC. */
export const readThemeJson = <T>(path: string): T => {
  const errors: ParseError[] = [];
  const value = parseJsonc(readFileSync(path, 'utf8'), errors, {allowTrailingComma: true}) as T;
  if (errors.length) throw new Error(`${path}: not valid JSON (${errors.length} errors)`);
  return value;
};

const schemaOf = (source: string): NodeSchema => {
  const match = /{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/.exec(source);
  return match ? (JSON.parse(match[1]) as NodeSchema) : {};
};

const bodies = (source: string, tag: string) =>
  [...source.matchAll(new RegExp(`{%-?\\s*${tag}\\s*-?%}([\\s\\S]*?){%-?\\s*end${tag}\\s*-?%}`, 'g'))].map((m) => m[1]);

export class ThemeFiles {
  readonly dir: string;
  private readonly schemas = new Map<string, NodeSchema>();
  private readonly locales = new Map<string, Record<string, unknown>>();
  /** Every `{% stylesheet %}` body of the theme's sections, blocks and snippets, as Shopify bundles them. */
  readonly compiledCss: string;
  /** Every `{% javascript %}` body, each in its own scope as Shopify wraps them. */
  readonly compiledJs: string;
  readonly settingsSchema: {settings?: SettingSchema[]}[];
  readonly settingsData: Record<string, unknown>;

  constructor(readonly name: RealThemeName) {
    this.dir = themeDir(name);
    const css: string[] = [];
    const js: string[] = [];
    for (const folder of ['sections', 'blocks', 'snippets'].filter((f) => existsSync(join(this.dir, f)))) {
      for (const file of readdirSync(join(this.dir, folder)).filter((f) => f.endsWith('.liquid')).sort()) {
        const source = readFileSync(join(this.dir, folder, file), 'utf8');
        css.push(...bodies(source, 'stylesheet'));
        js.push(...bodies(source, 'javascript').map((b) => `(function(){\n${b}\n})();`));
      }
    }
    this.compiledCss = css.join('\n');
    this.compiledJs = js.join('\n');
    this.settingsSchema = readThemeJson(join(this.dir, 'config', 'settings_schema.json'));
    const data = readThemeJson<{current: string | Record<string, unknown>; presets?: Record<string, Record<string, unknown>>}>(
      join(this.dir, 'config', 'settings_data.json'),
    );
    this.settingsData = typeof data.current === 'string' ? (data.presets?.[data.current] ?? {}) : data.current;
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  has(...parts: string[]): boolean {
    return existsSync(this.path(...parts));
  }

  /** The schema of `sections/<type>.liquid` or `blocks/<type>.liquid`. */
  schema(folder: 'sections' | 'blocks', type: string): NodeSchema {
    const key = `${folder}/${type}`;
    let schema = this.schemas.get(key);
    if (!schema) {
      schema = this.has(folder, `${type}.liquid`) ? schemaOf(readFileSync(this.path(folder, `${type}.liquid`), 'utf8')) : {};
      this.schemas.set(key, schema);
    }
    return schema;
  }

  template(name: string): TemplateData {
    return readThemeJson<TemplateData>(this.path('templates', `${name}.json`));
  }

  group(name: string): TemplateData | null {
    return this.has('sections', `${name}.json`) ? readThemeJson<TemplateData>(this.path('sections', `${name}.json`)) : null;
  }

  /** A storefront locale file (`locales/<code>.json`, the default one for English). */
  locale(code: string): Record<string, unknown> {
    let strings: Record<string, unknown> | undefined = this.locales.get(code);
    if (!strings) {
      const file = this.has('locales', `${code}.json`) ? `${code}.json` : readdirSync(this.path('locales')).find((f) => /\.default\.json$/.test(f))!;
      strings = readThemeJson<Record<string, unknown>>(this.path('locales', file));
      this.locales.set(code, strings);
    }
    return strings;
  }
}
