import {mkdirSync, writeFileSync} from 'node:fs';
import {cpus, totalmem} from 'node:os';
import type {Bench, BenchRow} from './types';

/**
 * `npm run bench [-- --quick] [-- --only name,name]`: every speed and quality target measured next to its
 * reference in one run, printed as a table and written to .bench/results.json. Targets are goals to report
 * against, not pass/fail: these machines are shared and noisy.
 */
const SECTIONS: Record<string, () => Promise<Bench>> = {
  ingest: async () => (await import('./ingest')).benchIngest,
  proxy: async () => (await import('./proxy')).benchProxy,
  storefront: async () => (await import('./storefront')).benchStorefront,
  'storefront-themes': async () => (await import('./storefront-themes')).benchStorefrontThemes,
  'discount-function': async () => (await import('./discount-function')).benchDiscountFunction,
  trainer: async () => (await import('./trainer')).benchTrainer,
  embedding: async () => (await import('./embedding')).benchEmbedding,
  isolation: async () => (await import('./isolation')).benchIsolation,
  workers: async () => (await import('./workers')).benchWorkers,
  memory: async () => (await import('./memory')).benchMemory,
  checkout: async () => (await import('./checkout-extension')).benchCheckoutExtension,
};

function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toFixed(3);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyArg = args.find((a) => a.startsWith('--only='))?.slice(7) ?? (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
  const only = onlyArg ? new Set(onlyArg.split(',')) : null;
  const machine = {cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}`};
  console.log(`Pairwise benchmarks${quick ? ' (quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}\n`);

  const results: Record<string, BenchRow[] | {error: string}> = {};
  for (const [name, load] of Object.entries(SECTIONS)) {
    if (only && !only.has(name)) continue;
    process.stdout.write(`== ${name}\n`);
    try {
      const rows = await (await load())({quick});
      results[name] = rows;
      for (const r of rows) {
        const ref = r.reference !== undefined ? `  vs ${fmt(r.reference)} ${r.referenceName ?? ''}` : '';
        const ratio = r.ratio !== undefined ? `  ratio ${fmt(r.ratio)}` : '';
        const target = r.target ? `  (target ${r.target})` : '';
        const note = r.note ? `  — ${r.note}` : '';
        console.log(`  ${r.name.padEnd(44)} ${fmt(r.value).padStart(10)} ${r.unit}${ref}${ratio}${target}${note}`);
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      results[name] = {error: message};
      console.log(`  skipped: ${message}`);
    }
  }
  mkdirSync('.bench', {recursive: true});
  writeFileSync('.bench/results.json', JSON.stringify({machine, quick, at: new Date().toISOString(), results}, null, 2));
  console.log('\nwritten to .bench/results.json');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
