// The pre-traffic hook's synthetic emergency (functions/platform/check-new-version.ts), through the real intake and
// cancel handlers on the real engines: stored as a test request, dispatched to the test fleet only, nothing sent, and
// closed again by the cancel route, so a deploy leaves nothing open behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeCancel } from '#functions/tracking/cancel.js';
import { syntheticIntakeProbe } from '#functions/platform/check-new-version.js';
import { invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await testStack();
});
afterAll(() => stack.close());

describe('the pre-traffic synthetic emergency', () => {
  it('is taken by intake as a test request, texts nobody, and the live cancel route closes it', async () => {
    const created = await invoke(makeCreate(stack.deps), syntheticIntakeProbe('d-ABC123', 'hook-execution-1'));
    expect([201, 202], JSON.stringify(created.body)).toContain(created.status);
    const id = created.body.id as string;
    const { rows } = await stack.sql.query('SELECT is_test, status FROM emergency_requests WHERE id = $1', [id]);
    expect(rows[0]).toMatchObject({ is_test: true });
    const cancelEvent = {
      ...syntheticIntakeProbe('d-ABC123', 'x'),
      httpMethod: 'POST',
      path: `/emergencies/${id}/cancel`,
      resource: '/emergencies/{id}/cancel',
      headers: { 'x-tracking-token': created.body.trackingToken as string },
      body: null,
      pathParameters: { id },
    };
    const cancelled = await invoke(makeCancel(stack.deps as never), cancelEvent as never);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    // Every message about a synthetic request is recorded in synthetic_notifications, none in the real log.
    const real = await stack.sql.query('SELECT count(*)::int AS n FROM customer_notifications WHERE request_id = $1', [
      id,
    ]);
    expect(real.rows[0].n).toBe(0);
    const recorded = await stack.sql.query(
      'SELECT count(*)::int AS n FROM synthetic_notifications WHERE request_id = $1',
      [id],
    );
    expect(recorded.rows[0].n).toBeGreaterThan(0);
  });
});
