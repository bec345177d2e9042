// The import rules of docs/architecture.md ("Folders and what each may import"), checked in CI.
// core/    : shared kernel (error base class, findings, the code registry types). Pure.
// edxml/   : pure; imports only core and I/O-free npm packages.
// signature/, routing/: pure; may import edxml and core.
// store/   : may import the pure folders and core.
// queue/   : store, core and the pure folders.
// hub/     : the services every edge calls (accept, inbox, trace, VXP) over store, queue and the pure folders.
// ops/     : the operator's services (deliveries, nodes, directory, metrics) over hub, store, queue.
// adapters/: the edges; they reach the store only through hub and ops services.
// cli/     : app, ops and hub services (and, for offline commands, the pure folders); never the store.
// app.ts, app/: the composition root.
// client/  : the node API client shipped as lienthong/client; only Node built-ins and itself.
const IO_MODULES = '^(node:)?(net|http|https|http2|dgram|dns|tls|child_process|cluster)$';
const IO_PACKAGES = '^(pg|ioredis|bullmq|undici|fastify|@fastify|@electric-sql|node-pg-migrate|pino|@bull-board)(/|$)';

module.exports = {
  forbidden: [
    {
      name: 'pure-no-io',
      comment: 'edxml, signature and routing never touch the network, a database or a queue.',
      severity: 'error',
      from: { path: '^src/(edxml|signature|routing|core)/' },
      to: { path: [IO_MODULES, IO_PACKAGES], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'pure-no-io-resolved',
      severity: 'error',
      from: { path: '^src/(edxml|signature|routing|core)/' },
      to: { path: '^node_modules/(pg|ioredis|bullmq|undici|fastify|@fastify|@electric-sql|node-pg-migrate|pino)/' },
    },
    {
      name: 'edxml-imports-nothing-of-ours',
      comment: 'The codec stands alone: only core.',
      severity: 'error',
      from: { path: '^src/edxml/' },
      to: { path: '^src/', pathNot: '^src/(edxml|core)/' },
    },
    {
      name: 'edxml-no-fs',
      comment: 'The codec works on bytes it is given.',
      severity: 'error',
      from: { path: '^src/edxml/' },
      to: { path: '^(node:)?fs(/promises)?$' },
    },
    {
      name: 'signature-imports',
      severity: 'error',
      from: { path: '^src/signature/' },
      to: { path: '^src/', pathNot: '^src/(signature|edxml|core)/' },
    },
    {
      name: 'routing-imports',
      severity: 'error',
      from: { path: '^src/routing/' },
      to: { path: '^src/', pathNot: '^src/(routing|edxml|core)/' },
    },
    {
      name: 'core-imports-nothing',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'store-imports',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(store|core|edxml|signature|routing)/' },
    },
    {
      name: 'queue-imports',
      severity: 'error',
      from: { path: '^src/queue/' },
      to: { path: '^src/', pathNot: '^src/(queue|store|core|edxml|signature|routing)/' },
    },
    {
      name: 'ops-imports',
      severity: 'error',
      from: { path: '^src/ops/' },
      to: { path: '^src/', pathNot: '^src/(ops|hub|store|queue|core|edxml|signature|routing)/' },
    },
    {
      name: 'edges-not-store',
      comment:
        'Every edge (node API, VXP API, operator API, webhook sender, CLI) reaches the store only through the hub and ops services: not even a type.',
      severity: 'error',
      from: { path: '^src/(adapters|cli)/' },
      to: { path: '^src/store/' },
    },
    {
      name: 'evidence-imports',
      comment: 'The evidence log works over the store, with the hub\'s result values and the x509 setup.',
      severity: 'error',
      from: { path: '^src/evidence/' },
      to: { path: '^src/', pathNot: '^src/(evidence|hub/hub-failure\\.ts$|store|core|signature)' },
    },
    {
      name: 'hub-imports',
      comment: 'The hub services orchestrate the pure folders, the store and the queue; never the edges.',
      severity: 'error',
      from: { path: '^src/hub/' },
      to: { path: '^src/', pathNot: '^src/(hub|store|queue|core|edxml|signature|routing)/' },
    },
    {
      name: 'config-only-for-entry-points',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli/|app/|app\\.ts$|config\\.ts$)' },
      to: { path: '^src/config\\.ts$' },
    },
    {
      name: 'adapters-not-app-or-cli',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(app\\.ts|cli/)' },
    },
    {
      name: 'app-parts-only-for-app',
      comment: 'src/app/ holds parts of the composition root; only src/app.ts uses them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(app/|app\\.ts$)' },
      to: { path: '^src/app/' },
    },
    {
      name: 'only-entry-points-import-app',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli/|app\\.ts$)' },
      to: { path: '^src/app\\.ts$' },
    },
    {
      name: 'client-stands-alone',
      comment:
        'src/client is shipped on its own (lienthong/client): only Node built-ins and its own files, not even a type of the hub or an npm package.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { pathNot: '^src/client/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
