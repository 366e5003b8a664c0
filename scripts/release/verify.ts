// Post-deploy verification: is the release that now takes traffic working? Pass or fail, one line a check.
//   npm run verify -- --stage prod [--region eu-west-2]      (base URL from the stack's ServiceEndpoint output)
//   npm run verify -- --url https://…/prod --stage prod      (the drill still runs in the stage)
// 1. GET /health: can this region take an emergency (Route 53 asks the same);
// 2. GET /ops/health: every dependency reachable (operations token: --operations-token or VERIFY_OPERATIONS_TOKEN);
// 3. one synthetic job end to end on the test fleet, by the stage's own drDrill (intake, dispatch to a test
//    technician, accept, en route, arrival, completion, clean-up): no real van moves, no message is sent.
import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { checker, exitCode, makeCall, opsHealth, report, serviceEndpoint, type SmokeResult } from '../smoke.js';

export interface VerifyOptions {
  base: string;
  operationsToken?: string;
  fetch: typeof fetch;
  /** Runs the stage's drill and returns its report; absent, the job check is skipped (and so fails the run). */
  drill?: () => Promise<DrillReport>;
}

/** What drDrill answers (functions/disaster-recovery/dr-drill.ts): its outcome, and why when it failed. */
export interface DrillReport {
  outcome: string;
  error?: string;
  elapsedSeconds?: number;
  result?: { failures?: string[]; reference?: string };
}

export async function verifyRelease(options: VerifyOptions): Promise<SmokeResult[]> {
  const results: SmokeResult[] = [];
  const call = makeCall(options.base.replace(/\/+$/, ''), options.fetch);
  const check = checker(results);

  await check('GET /health', async () => {
    const answer = await call('GET', '/health', {});
    const status = typeof answer.body?.status === 'string' ? answer.body.status : 'no status';
    return answer.status === 200
      ? { outcome: 'pass', status: 200, reason: `this region takes emergencies (${status})` }
      : {
          outcome: 'fail',
          status: answer.status,
          reason: `expected 200, got ${answer.status} (${status}): Route 53 would send traffic away`,
        };
  });
  await check('GET /ops/health', () => opsHealth(call, options.operationsToken));

  await check('synthetic job end to end (drDrill, test fleet)', async () => {
    if (!options.drill) return { outcome: 'skip', reason: 'skipped: no stage to run the drill in' };
    const drill = await options.drill();
    const why = drill.error ?? drill.result?.failures?.join('; ');
    return drill.outcome === 'succeeded'
      ? {
          outcome: 'pass',
          reason: `${drill.result?.reference ?? 'drill'} completed in ${drill.elapsedSeconds ?? '?'} s`,
        }
      : { outcome: 'fail', reason: `${drill.outcome}${why ? `: ${why}` : ''}` };
  });
  return results;
}

/** Invokes the stage's drDrill for real (it is built to run against production: test fleet, nothing sent). */
export function stageDrill(stage: string, region: string, client = new LambdaClient({ region })) {
  return async (): Promise<DrillReport> => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: `tyrehero-dispatch-${stage}-drDrill`,
        Payload: new TextEncoder().encode(JSON.stringify({ dryRun: false, operator: 'release-verification' })),
      }),
    );
    const text = new TextDecoder().decode(out.Payload ?? new Uint8Array());
    if (out.FunctionError) throw new Error(`drDrill failed: ${text.slice(0, 300)}`);
    return JSON.parse(text) as DrillReport;
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      region: { type: 'string', default: process.env.AWS_REGION ?? 'eu-west-2' },
      url: { type: 'string' },
      'operations-token': { type: 'string' },
    },
  });
  if (!values.stage) {
    console.error('usage: npm run verify -- --stage <stage> [--region <region>] [--url <base>] [--operations-token …]');
    return 2;
  }
  const base = values.url ?? (await serviceEndpoint(values.stage, values.region));
  console.log(`Verifying the release on ${values.stage} (${values.region}) at ${base}`);
  const results = await verifyRelease({
    base,
    operationsToken: values['operations-token'] ?? process.env.VERIFY_OPERATIONS_TOKEN,
    fetch,
    drill: stageDrill(values.stage, values.region),
  });
  console.log(report(results));
  const code = exitCode(results, false);
  console.log(`\nrelease verification: ${code === 0 ? 'PASS' : 'FAIL'}`);
  return code;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`Verification could not run: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}
