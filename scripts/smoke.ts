// First-deploy smoke check: one call of each kind against a running stage, pass or fail per call.
//   npm run smoke -- --stage dev [--region eu-west-2]     (base URL from the stack's ServiceEndpoint output)
//   npm run smoke -- --url https://….execute-api.eu-west-2.amazonaws.com/dev
// Staff tokens: --technician-token / --operations-token, or SMOKE_TECHNICIAN_TOKEN / SMOKE_OPERATIONS_TOKEN.
import { randomInt, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { decodeJwt } from 'jose';

export interface SmokeOptions {
  /** The API's base URL, with the stage path for a deployed stage (…/dev). */
  base: string;
  technicianToken?: string;
  /** Defaults to the technician token's `sub`: the location route accepts a technician's own position only. */
  technicianId?: string;
  operationsToken?: string;
  fetch: typeof fetch;
  now?: () => Date;
}

export interface SmokeResult {
  call: string;
  outcome: 'pass' | 'fail' | 'skip';
  status?: number;
  reason: string;
}

// Somewhere the service covers (the M1 near Luton, as the local demo uses), so the intake is not refused as out of area.
const smokeLocation = { lat: 51.88, lon: -0.42 };

/** A drama-range number (Ofcom: never a real subscriber) the tests and the demo do not use, so no SMS reaches anyone. */
const smokePhone = () => `07700 900${900 + randomInt(50)}`;

export interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** Why a call failed, in one line: its problem+json detail or title, or the start of whatever else it answered. */
function why(answer: Answer, expected: string): string {
  const said = [answer.body?.detail, answer.body?.title, answer.body?.message].find(
    (text) => typeof text === 'string' && text,
  );
  return `expected ${expected}, got ${answer.status}${said ? `: ${said as string}` : ''}`;
}

/** A network failure in one line: fetch's own message is "fetch failed", and the reason (ENOTFOUND, a timeout) is its cause. */
export function failure(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === 'string' ? error : (JSON.stringify(error) ?? 'unknown error');
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

export type Call = (method: string, route: string, headers: Record<string, string>, body?: unknown) => Promise<Answer>;

/** One JSON call against the stage: its status and parsed body (a non-JSON body's start as `message`). */
export function makeCall(base: string, fetchImpl: typeof fetch): Call {
  return async (method, route, headers, body) => {
    const response = await fetchImpl(`${base}${route}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      parsed = { message: text.slice(0, 120) };
    }
    return { status: response.status, body: parsed };
  };
}

/** GET /ops/health's verdict: every dependency reachable, the stack healthy or degraded. */
export async function opsHealth(call: Call, operationsToken: string | undefined): Promise<Omit<SmokeResult, 'call'>> {
  if (!operationsToken)
    return { outcome: 'skip', reason: 'skipped: no operations token (--operations-token or SMOKE_OPERATIONS_TOKEN)' };
  const answer = await call('GET', '/ops/health', { Authorization: `Bearer ${operationsToken}` });
  // The route always answers 200 when it could report: the verdict is in the body.
  if (answer.status !== 200) return { outcome: 'fail', status: answer.status, reason: why(answer, '200') };
  const checks = Object.entries((answer.body?.checks ?? {}) as Record<string, { status?: string; detail?: string }>);
  const notOk = checks
    .filter(([, c]) => c.status !== 'ok')
    .map(([name, c]) => `${name} ${c.status ?? '?'}${c.detail ? ` (${c.detail})` : ''}`);
  const dependencies = (answer.body?.dependencies ?? []) as Array<{ name: string; verdict: string; error?: string }>;
  const unreachable = dependencies
    .filter((d) => d.verdict === 'unreachable')
    .map((d) => `${d.name} unreachable${d.error ? ` (${d.error})` : ''}`);
  // The smoke check asks whether every call gets through: an unreachable dependency or an unhealthy stack fails it.
  // A degraded figure (a backlog left by earlier traffic, a slow dependency) is reported, not failed: it is the
  // business's state, not the deploy's.
  if (unreachable.length || (answer.body?.status !== 'healthy' && answer.body?.status !== 'degraded')) {
    return {
      outcome: 'fail',
      status: 200,
      reason: `${String(answer.body?.status)}: ${[...unreachable, ...notOk].join(', ') || 'no checks reported'}`,
    };
  }
  if (answer.body?.status === 'degraded')
    return { outcome: 'pass', status: 200, reason: `every dependency reachable; degraded: ${notOk.join(', ')}` };
  return { outcome: 'pass', status: 200, reason: `healthy (${checks.map(([name]) => name).join(', ')} ok)` };
}

/** Runs one check into `results`; a thrown error (DNS, TLS, timeout) is that call's failure, not the end of the run. */
export function checker(results: SmokeResult[]) {
  return async (name: string, run: () => Promise<Omit<SmokeResult, 'call'>>): Promise<void> => {
    try {
      results.push({ call: name, ...(await run()) });
    } catch (error) {
      results.push({ call: name, outcome: 'fail', reason: failure(error) });
    }
  };
}

export async function runSmoke(options: SmokeOptions): Promise<SmokeResult[]> {
  const base = options.base.replace(/\/+$/, '');
  const now = options.now ?? (() => new Date());
  const results: SmokeResult[] = [];
  const call = makeCall(base, options.fetch);
  const check = checker(results);

  let emergency: { id: string; trackingToken: string; reference: string } | undefined;
  await check('POST /emergencies (synthetic intake)', async () => {
    // X-Synthetic-Test with a drama-range phone makes it a test request: dispatched to the test fleet only, its messages not sent.
    const answer = await call(
      'POST',
      '/emergencies',
      { 'Idempotency-Key': randomUUID(), 'X-Synthetic-Test': 'true' },
      {
        customer: { name: 'Smoke Check', phone: smokePhone() },
        location: smokeLocation,
        vehicle: { makeModel: 'Smoke Check', registration: 'SM0 KE' },
        issue: 'puncture',
        safety: { onMotorway: false, vulnerableOccupants: false },
        notes: 'First-deploy smoke check: synthetic, cancelled straight away',
      },
    );
    const { id, trackingToken, reference, status } = answer.body ?? {};
    if ((answer.status !== 201 && answer.status !== 202) || typeof id !== 'string' || typeof trackingToken !== 'string')
      return {
        outcome: 'fail',
        status: answer.status,
        reason: why(answer, '201 or 202 with an id and a tracking token'),
      };
    emergency = { id, trackingToken, reference: String(reference) };
    return {
      outcome: 'pass',
      status: answer.status,
      reason: `${String(reference)} ${String(status)}${answer.status === 202 ? ' (held in the intake buffer: PostgreSQL unreachable?)' : ''}`,
    };
  });

  const technicianId =
    options.technicianId ?? (options.technicianToken ? subjectOf(options.technicianToken) : undefined);
  await check('PUT /technicians/{id}/location', async () => {
    if (!options.technicianToken)
      return { outcome: 'skip', reason: 'skipped: no technician token (--technician-token or SMOKE_TECHNICIAN_TOKEN)' };
    if (!technicianId)
      return { outcome: 'skip', reason: 'skipped: no technician id (--technician-id), and the token has no sub' };
    const answer = await call(
      'PUT',
      `/technicians/${encodeURIComponent(technicianId)}/location`,
      { Authorization: `Bearer ${options.technicianToken}` },
      { ...smokeLocation, recordedAt: now().toISOString() },
    );
    if (answer.status !== 200 || typeof answer.body?.applied !== 'boolean')
      return { outcome: 'fail', status: answer.status, reason: why(answer, '200 with applied') };
    return {
      outcome: 'pass',
      status: 200,
      reason: `technician ${technicianId}, applied: ${String(answer.body.applied)}`,
    };
  });

  await check('GET /emergencies/{id} (tracking)', async () => {
    if (!emergency) return { outcome: 'skip', reason: 'skipped: the intake gave no emergency to track' };
    const answer = await call('GET', `/emergencies/${emergency.id}`, { 'X-Tracking-Token': emergency.trackingToken });
    if (answer.status !== 200 || answer.body?.reference !== emergency.reference)
      return {
        outcome: 'fail',
        status: answer.status,
        reason: why(answer, `200 with reference ${emergency.reference}`),
      };
    return { outcome: 'pass', status: 200, reason: `${emergency.reference} ${String(answer.body.status)}` };
  });

  await check('GET /ops/health', () => opsHealth(call, options.operationsToken));

  // Leaves nothing open in the operations queue.
  await check('POST /emergencies/{id}/cancel (clean-up)', async () => {
    if (!emergency) return { outcome: 'skip', reason: 'skipped: nothing to cancel' };
    const answer = await call('POST', `/emergencies/${emergency.id}/cancel`, {
      'X-Tracking-Token': emergency.trackingToken,
    });
    if (answer.status !== 200 || answer.body?.status !== 'cancelled')
      return { outcome: 'fail', status: answer.status, reason: why(answer, '200 cancelled') };
    return { outcome: 'pass', status: 200, reason: `${emergency.reference} cancelled` };
  });
  return results;
}

function subjectOf(token: string): string | undefined {
  try {
    return decodeJwt(token).sub;
  } catch {
    return undefined;
  }
}

/** 0 when every call passed; a skipped call fails the run unless skips are allowed (a first deploy wants all four). */
export function exitCode(results: SmokeResult[], allowSkips: boolean): number {
  return results.every((r) => r.outcome === 'pass' || (allowSkips && r.outcome === 'skip')) ? 0 : 1;
}

export function report(results: SmokeResult[]): string {
  return results
    .map(
      (r) =>
        `${r.outcome.toUpperCase().padEnd(4)}  ${r.call.padEnd(42)} ${String(r.status ?? '-').padEnd(3)}  ${r.reason}`,
    )
    .join('\n');
}

/** The stage's API base URL, from the ServiceEndpoint output of its CloudFormation stack. */
export async function serviceEndpoint(stage: string, region: string): Promise<string> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const stackName = `tyrehero-dispatch-${stage}`;
  const client = new CloudFormationClient({ region });
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const url = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'ServiceEndpoint')?.OutputValue;
    if (!url) throw new Error(`stack ${stackName} in ${region} has no ServiceEndpoint output`);
    return url;
  } finally {
    client.destroy();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      region: { type: 'string', default: process.env.AWS_REGION ?? 'eu-west-2' },
      url: { type: 'string' },
      'technician-token': { type: 'string' },
      'technician-id': { type: 'string' },
      'operations-token': { type: 'string' },
      'allow-skips': { type: 'boolean', default: false },
    },
  });
  if (!values.url && !values.stage) {
    console.error(
      'usage: npm run smoke -- --stage <stage> [--region <region>] | --url <base> [--technician-token …] [--technician-id …] [--operations-token …] [--allow-skips]',
    );
    return 2;
  }
  const base = values.url ?? (await serviceEndpoint(values.stage!, values.region));
  console.log(`Smoke check against ${base}`);
  const results = await runSmoke({
    base,
    technicianToken: values['technician-token'] ?? process.env.SMOKE_TECHNICIAN_TOKEN,
    technicianId: values['technician-id'],
    operationsToken: values['operations-token'] ?? process.env.SMOKE_OPERATIONS_TOKEN,
    fetch,
  });
  console.log(report(results));
  const code = exitCode(results, values['allow-skips']);
  const counts = (['pass', 'fail', 'skip'] as const).map(
    (o) =>
      `${results.filter((r) => r.outcome === o).length} ${o === 'skip' ? 'skipped' : o === 'pass' ? 'passed' : 'failed'}`,
  );
  console.log(
    `\n${counts.join(', ')}${values['allow-skips'] ? ' (skips allowed)' : ''}: ${code === 0 ? 'OK' : 'FAILED'}`,
  );
  return code;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`Smoke check could not run: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}
