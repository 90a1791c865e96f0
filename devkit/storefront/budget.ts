/** What each block costs the shopper: gzipped bytes of the JavaScript and CSS it loads. Printed by `npm run bench`. */
import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {blockSchema, extensionRoot} from './liquid';

export interface BlockBudget {
  block: string;
  js: string[];
  css: string[];
  jsGzipBytes: number;
  cssGzipBytes: number;
}

const gzipBytes = (files: string[]) =>
  files.reduce((sum, file) => sum + gzipSync(readFileSync(join(extensionRoot, 'assets', file)), {level: 9}).length, 0);

/** Gzipped JS/CSS per block: the scripts a block's Liquid (or its snippets) loads plus its schema's stylesheet. */
export function blockBudgets(): BlockBudget[] {
  const snippets = new Map(
    readdirSync(join(extensionRoot, 'snippets')).map((f) => [f.replace(/\.liquid$/, ''), readFileSync(join(extensionRoot, 'snippets', f), 'utf8')]),
  );
  return readdirSync(join(extensionRoot, 'blocks'))
    .filter((f) => f.endsWith('.liquid'))
    .map((f) => {
      const block = f.replace(/\.liquid$/, '');
      const source = readFileSync(join(extensionRoot, 'blocks', f), 'utf8');
      const rendered = [...snippets].filter(([name]) => source.includes(`'${name}'`)).map(([, text]) => text);
      const js = [...new Set([source, ...rendered].flatMap((text) => [...text.matchAll(/'([\w-]+\.js)' \| asset_url/g)].map((m) => m[1])))];
      const schema = blockSchema(block);
      if (schema.javascript) js.push(schema.javascript);
      const css = schema.stylesheet ? [schema.stylesheet] : [];
      return {block, js, css, jsGzipBytes: gzipBytes(js), cssGzipBytes: gzipBytes(css)};
    });
}
