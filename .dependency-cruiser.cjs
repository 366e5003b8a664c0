// Layer and feature rules, checked by `npm run lint` (dependency-cruiser), as domain-driven-hexagon's
// .dependency-cruiser.js does. A feature is a folder functions/<feature>/ (docs/architecture.md).
const fs = require('node:fs');
const path = require('node:path');

/**
 * A feature's use cases: its modules other than what wires them. A module that builds a Lambda handler (it imports the
 * HTTP route or the scheduled-job chain, or is named in the feature's functions.yml) is a handler; compose.ts, index.ts,
 * openapi.ts and the OpenAPI assembly wire things up; schemas.ts and config.ts (or <name>-config.ts, when a feature
 * owns two concerns that different functions load) are the feature's data definitions.
 */
function useCaseModules() {
  const wiring = /^(compose|index|openapi|api-document|openapi-document|schemas|([\w-]+-)?config)\.ts$/;
  const modules = [];
  for (const feature of fs.readdirSync('functions')) {
    const dir = path.join('functions', feature);
    if (!fs.statSync(dir).isDirectory()) continue;
    const yml = fs.existsSync(path.join(dir, 'functions.yml'))
      ? fs.readFileSync(path.join(dir, 'functions.yml'), 'utf8')
      : '';
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !wiring.test(f))) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      const named = yml.includes(`handler: functions/${feature}/${file.replace(/\.ts$/, '')}.handler`);
      const buildsHandler = /from '#shared\/(http\/route|powertools\/scheduled-job)\.js'/.test(source);
      if (!named && !buildsHandler) modules.push(`functions/${feature}/${file}`);
    }
  }
  return modules;
}
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// The feature is captured as $1, for the own-feature exception below.
const useCases = `^(?=(?:${useCaseModules().map(escapeRegExp).join('|')})$)functions/([^/]+)/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'feature-through-public-entry',
      severity: 'error',
      comment:
        'A feature uses another only through what that feature publishes: index.ts (what other features compose from) or openapi.ts (its part of the contract).',
      from: { path: '^functions/([^/]+)/' },
      to: { path: '^functions/', pathNot: ['^functions/$1/', '^functions/[^/]+/(index|openapi)\\.ts$'] },
    },
    {
      name: 'features-acyclic',
      severity: 'error',
      scope: 'folder',
      comment: 'Features depend on each other one way only: a cycle between two features makes them one.',
      from: { path: '^functions/[^/]+' },
      to: { path: '^functions/[^/]+', circular: true },
    },
    {
      name: 'use-case-imports-domain-ports-and-own-feature',
      severity: 'error',
      comment:
        "A use case depends on the domain, the ports and its own feature; another feature's capability reaches it as a port its composition fills (e.g. shared/ports/dispatcher.ts).",
      from: { path: useCases },
      to: {
        path: '^(shared|functions)/',
        pathNot: ['^shared/(domain|ports)/', '^functions/$1/', '^shared/schemas/'],
      },
    },
    {
      name: 'use-case-names-only-types-of-schemas',
      severity: 'error',
      comment: 'A use case may name the type of its validated input, never run schema code.',
      from: { path: useCases },
      to: { path: '^shared/schemas/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'use-case-no-sdk-or-driver',
      severity: 'error',
      comment: 'I/O goes through ports: a use case imports no SDK, driver or middleware.',
      from: { path: useCases },
      to: { path: 'node_modules/(@aws-sdk|@smithy|pg|pg-pool|@aws-lambda-powertools|@middy)/' },
    },
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
