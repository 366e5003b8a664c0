// Test runner configuration: four lanes (vitest projects), all run by `npm test`, each on its own by `npm run test:<lane>`.
//   unit         pure code and local HTTP receivers: no engine, seconds
//   integration  the real embedded engines (PostgreSQL, DynamoDB Local), started once per run (tests/support/global-setup.ts)
//   package      `sls package` per stage and region, each target once per run (tests/support/package-setup.ts), and the
//                templates and bundles read as AWS reads them
//   e2e          `npm start` and a browser, as a person uses them
import { defineConfig } from 'vitest/config';

const lane = (
  name: string,
  globalSetup: string[] = [],
  env: Record<string, string> = {},
  setupFiles: string[] = [],
) => ({
  extends: true as const,
  test: { name, include: [`tests/${name}/**/*.test.ts`], globalSetup, env, setupFiles },
});
// Function modules wire their clients when imported (never connecting until called): in the unit lane they point at a
// closed port, so a unit test that reached for a database would fail at once rather than find one.
const noEngine = {
  DATABASE_URL: 'postgres://127.0.0.1:9/no-engine-in-the-unit-lane',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
};

export default defineConfig({
  test: {
    pool: 'forks',
    // Both cores (vitest's default is one fewer than the CPUs): every file has its own database and tables, the
    // packagings take turns (a lock in tests/support/package.ts) and the e2e lane uses free ports, so any two files can
    // run side by side.
    maxWorkers: 2,
    // The JSON report is what .ci/run reads for its closing "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: {
      STAGE: 'test',
      AWS_REGION: 'eu-west-2',
      POWERTOOLS_LOG_LEVEL: process.env.DEBUG_LOG ?? 'SILENT',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_DEV: 'false',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
    projects: [
      lane('unit', [], noEngine),
      lane('integration', ['tests/support/global-setup.ts'], {}, ['tests/support/sql-recorder.ts']),
      lane('package', ['tests/support/package-setup.ts']),
      lane('e2e'),
    ],
  },
});
