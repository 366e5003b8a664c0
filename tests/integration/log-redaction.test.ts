// Captures every log line written across a whole intake, dispatch, job and GDPR export, and finds no phone number,
// name, note, address, exact position or tracking token in any of them.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeJobActionHandler } from '#functions/jobs/job-action.js';
import { makeHandler as makeExport } from '#functions/data-protection/gdpr-export.js';
import { logger } from '#shared/powertools/logger.js';
import type { TechnicianAction } from '#functions/jobs/job-actions.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { bearer, testAuth } from '../support/auth.js';
import { apiEvent, invoke, lambdaContext } from '../support/events.js';
import { arrivalCodeOf, vanAtBreakdown } from '../support/arrival.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

vi.setConfig({ testTimeout: 180_000 });

let stack: TestStack;
const lines: string[] = [];
const token: Record<string, string> = {};
let trackingToken = '';

beforeAll(async () => {
  const auth = await testAuth();
  // The local stage's log notifier: every SMS, with its number and text, goes to the log.
  stack = await testStack({ env: { ...auth.env, NOTIFIER: 'log' } });
  await seedTechnicianProfiles(stack, ['log-a']);
  token.tech = await auth.signer.mint('log-a', ['technicians']);
  token.ops = await auth.signer.mint('ops-log', ['operations']);
  await stack.deps.technicians.recordLocation('log-a', {
    location: { lat: 52.2051, lon: 0.1192 },
    recordedAt: new Date(),
  });
  await stack.deps.technicians.setAvailability('log-a', 'available');
}, 60_000);
afterAll(() => stack.close());

it('logs a whole intake, dispatch, job and export without personal data', async () => {
  const capture = (stream: NodeJS.WriteStream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  const out = capture(process.stdout);
  const err = capture(process.stderr);
  logger.setLogLevel('DEBUG');
  const context = () => lambdaContext('tyrehero-dispatch-log-test', 60_000);
  try {
    const created = await invoke(
      makeCreate(stack.deps),
      apiEvent({
        method: 'POST',
        path: '/emergencies',
        body: emergencyBody({
          customer: { name: 'Philippa Quartermaine', phone: '07700 900321' },
          location: { lat: 52.2063, lon: 0.1218 },
          address: '14 Mill Road',
          notes: 'Silver estate car behind the petrol station',
          vehicle: { makeModel: 'Skoda Octavia', registration: 'PQ21 XYZ' },
          safety: { onMotorway: false },
        }),
      }),
      context(),
    );
    expect(created.body).toMatchObject({ status: 'assigned', technician: { id: 'log-a' } });
    const id = created.body.id as string;
    trackingToken = created.body.trackingToken as string;
    for (const action of ['accept', 'en-route', 'arrived', 'complete'] as TechnicianAction[]) {
      if (action === 'arrived') await vanAtBreakdown(stack, id, 'log-a');
      const body = action === 'complete' ? { arrivalCode: await arrivalCodeOf(stack, id) } : undefined;
      const step = await invoke(
        makeJobActionHandler(action)(stack.deps),
        apiEvent({
          method: 'POST',
          path: `/jobs/${id}/${action}`,
          pathParameters: { id },
          headers: bearer(token.tech!),
          body,
        }),
        context(),
      );
      expect(step.status).toBe(200);
    }
    // A refused intake logs its reason too.
    await invoke(
      makeCreate(stack.deps),
      apiEvent({
        method: 'POST',
        path: '/emergencies',
        body: '{"customer": {"name": "Philippa Quartermaine", "phone": "07700 900321"',
      }),
      context(),
    );
    const exported = await invoke(
      makeExport(stack.deps),
      apiEvent({
        method: 'POST',
        path: '/ops/gdpr/export',
        headers: bearer(token.ops!),
        body: { phone: '07700 900321' },
      }),
      context(),
    );
    expect(exported.status).toBe(200);
  } finally {
    logger.setLogLevel('SILENT');
    out.mockRestore();
    err.mockRestore();
  }

  const log = lines.join('\n');
  // The capture saw the whole flow (so an empty log cannot pass) ...
  expect(log).toContain('technician search');
  expect(log).toContain('NOT SENT (local stage) sms customer-assigned');
  // The SMS's tracking link is logged without its token: the token opens the request.
  expect(log).toMatch(/\/t\/TH-[2-9A-Z]{6}#\[token\]/);
  expect(trackingToken).toHaveLength(32);
  expect(log).not.toContain(trackingToken);
  // ... and none of what the customer told us.
  for (const personal of [
    'Philippa',
    'Quartermaine',
    '07700 900321',
    '447700900321',
    '7700900321',
    'Mill Road',
    'Silver estate',
    'PQ21',
    '52.2063',
    '0.1218',
    '52.2051',
    '0.1192',
  ]) {
    expect(log, personal).not.toContain(personal);
  }
});
