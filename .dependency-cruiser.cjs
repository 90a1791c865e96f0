/**
 * The one-way house (README "How it fits together"): data and imports flow webhook -> shop db -> trainer ->
 * model -> storefront. `npm test` runs these rules over the tree (test/architecture.test.ts) and proves each
 * one bites on a fixture that breaks it.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle, type-only imports included, means two modules are one module or one is in the wrong place.',
      from: {},
      to: {circular: true},
    },
    {
      name: 'server-not-to-trainer',
      severity: 'error',
      comment: 'The server spawns the built trainer (dist/trainer); it never loads its sources.',
      from: {path: '^server/'},
      to: {path: '^trainer/'},
    },
    {
      name: 'trainer-not-to-server',
      severity: 'error',
      comment: 'The trainer reads shop files through storage/, never through the server.',
      from: {path: '^trainer/'},
      to: {path: '^server/'},
    },
    {
      name: 'no-bundler-in-server-or-trainer',
      severity: 'error',
      comment: 'A bundler is a build tool: scripts/ and devkit/ may use it, serving and training never load it.',
      from: {path: '^(server|storage|trainer)/'},
      to: {path: '(^|/)node_modules/(esbuild|vite)/'},
    },
    {
      name: 'app-not-to-server-or-storage',
      severity: 'error',
      comment: 'The admin bundle runs in the browser: shapes and schemas it shares with the server live in domain/.',
      from: {path: '^app/'},
      to: {path: '^(server|storage|trainer)/'},
    },
    {
      name: 'domain-imports-nothing-of-ours',
      severity: 'error',
      comment: 'domain/ holds shapes and pure rules every side imports; it depends on no other module of ours.',
      from: {path: '^domain/'},
      to: {path: '^(server|storage|trainer|app|devkit|demo|bench|scripts)/'},
    },
    {
      name: 'storage-not-to-server',
      severity: 'error',
      comment: 'storage/ is shared by server and trainer, so it imports neither.',
      from: {path: '^storage/'},
      to: {path: '^(server|trainer)/'},
    },
    {
      name: 'worker-holds-no-shop-files',
      severity: 'error',
      comment: 'A training worker ([L]) runs on other hosts with no shop files: it imports domain/ and its own code, and finds the built trainer it spawns through the one resolver (server/jobs/trainer-bundle.ts).',
      from: {path: '^worker/'},
      to: {path: '^(server|storage|trainer|app|devkit|demo|bench|scripts)/', pathNot: '^server/jobs/trainer-bundle\\.ts$'},
    },
    {
      name: 'nothing-runs-a-worker-inside',
      severity: 'error',
      comment: 'The worker is a process of its own (npm run worker): production code talks to it through the queue, never by import.',
      from: {path: '^(server|storage|trainer|app|domain)/'},
      to: {path: '^worker/'},
    },
    {
      name: 'production-not-to-devkit',
      severity: 'error',
      comment: 'The Shopify stand-in, signers and store generator are development tools.',
      from: {path: '^(server|storage|trainer|app|domain|extensions)/'},
      to: {path: '^devkit/'},
    },
    {
      name: 'only-tests-import-test',
      severity: 'error',
      comment: 'test/ holds tests only: nothing outside it imports from it.',
      from: {pathNot: '^test/'},
      to: {path: '^test/'},
    },
    {
      name: 'extensions-import-nothing',
      severity: 'error',
      comment: 'Theme app extension assets are served as they are by Shopify: no imports at all.',
      from: {path: '^extensions/pairwise/'},
      to: {},
    },
    {
      name: 'extensions-stay-in-their-folder',
      severity: 'error',
      comment: 'An extension Shopify builds (checkout UI, function, pixel) is bundled from its own folder and npm packages only.',
      from: {path: '^extensions/([^/]+)/'},
      to: {path: '^(?!extensions/$1/)(server|storage|trainer|app|domain|devkit|demo|bench|scripts|test|worker|extensions)/'},
    },
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    exclude: {path: '(^|/)(dist|app/dist)/'},
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.json'},
    enhancedResolveOptions: {extensions: ['.ts', '.tsx', '.mjs', '.js', '.d.mts']},
  },
};
