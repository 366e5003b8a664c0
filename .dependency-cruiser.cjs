// Layer rules, checked by `npm run lint` (dependency-cruiser), as domain-driven-hexagon's .dependency-cruiser.js does.
// The feature rules of the house style (a feature imports another only through its public entry; a use case imports
// only the domain, the ports and its own feature) come with the move into feature folders (issue 24).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: neither can be understood, tested or bundled without the other.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-never-imports-functions',
      severity: 'error',
      comment: 'shared/ is what features build on; a feature is never something shared code depends on.',
      from: { path: '^shared/' },
      to: { path: '^functions/' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'shared/domain holds rules only: no I/O, no SDK, no driver, no adapter or composition.',
      from: { path: '^shared/domain/' },
      to: {
        path: [
          '^shared/(adapters|compose|http|usecases|powertools)/',
          'node_modules/(@aws-sdk|@smithy|pg|pg-pool|@aws-lambda-powertools|@middy)/',
        ],
      },
    },
    {
      name: 'domain-no-node-io',
      severity: 'error',
      comment: 'shared/domain reads no file, socket or process.',
      from: { path: '^shared/domain/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|net|http|https|child_process|dgram|dns|tls)$' },
    },
    {
      name: 'production-never-imports-tests-or-scripts',
      severity: 'error',
      comment: 'A function bundles what it imports: test helpers and local scripts must never reach a Lambda.',
      from: { path: '^(functions|shared)/' },
      to: { path: '^(tests|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'] },
  },
};
