import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeGet } from '#functions/tracking/get.js';
import { makeHandler as makeHealth } from '#functions/platform/health.js';
import { makeHandler as makeOpsHealth } from '#functions/platform/ops-health.js';
import { INTAKE_PROBE_ID } from '#shared/adapters/dynamodb/intake-buffer.js';
import { allDeps, closeAllDeps } from '../../scripts/local/all-deps.js';
import { drainIntakeBuffer } from '#functions/intake/drain-intake-buffer.js';
import { freePort } from '../../scripts/local/engines.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { bearer, testAuth } from '../support/auth.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';

// Two views of the same tables: one whose PostgreSQL is the real one, one whose PostgreSQL is a closed port (an outage).
let stack: TestStack;
let down: ReturnType<typeof allDeps>;
let asOperations: Record<string, string>;

beforeAll(async () => {
  const auth = await testAuth();
  stack = await testStack({ env: auth.env });
  asOperations = bearer(await auth.signer.mint('ops-health', ['operations']));
  const deadPort = await freePort();
  down = allDeps({
    ...stack.config,
    database: { ...stack.config.database, url: `postgres://nobody:x@127.0.0.1:${deadPort}/none` },
  });
});
afterAll(async () => {
  await closeAllDeps(down);
  await stack.close();
});

describe('an emergency during a database outage', () => {
  it('is accepted with 202, held in DynamoDB, readable by its owner, and replayed into PostgreSQL with its audit row', async () => {
    const accepted = await invoke(
      makeCreate(down),
      apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }),
    );
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'pending', queued: true });
    const id = accepted.body.id as string;

    const held = await stack.deps.intakeBuffer.find(id);
    expect(held).toMatchObject({ id, reference: accepted.body.reference });

    const whileDown = await invoke(
      makeGet(down),
      apiEvent({
        method: 'GET',
        path: `/emergencies/${id}`,
        pathParameters: { id },
        headers: { 'X-Tracking-Token': accepted.body.trackingToken as string },
      }),
    );
    expect(whileDown.status).toBe(200);
    expect(whileDown.body).toMatchObject({ id, status: 'pending', queued: true });

    const report = await drainIntakeBuffer(stack.deps);
    expect(report).toEqual({ replayed: 1, alreadyStored: 0, databaseUnavailable: false, leftInBuffer: 0 });

    const { rows } = await stack.sql.query(
      'SELECT reference, status, created_at FROM emergency_requests WHERE id = $1',
      [id],
    );
    expect(rows[0]).toMatchObject({ reference: accepted.body.reference, status: 'pending' });
    expect(rows[0].created_at.toISOString()).toBe(accepted.body.createdAt);
    const audit = await stack.sql.query('SELECT operation FROM emergency_requests_audit WHERE request_id = $1', [id]);
    expect(audit.rows).toEqual([{ operation: 'INSERT' }]);
    expect(await stack.deps.intakeBuffer.find(id)).toBeUndefined();
  });

  it('leaves the buffer untouched while the database is still down', async () => {
    const accepted = await invoke(
      makeCreate(down),
      apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }),
    );
    const report = await drainIntakeBuffer(down);
    expect(report.databaseUnavailable).toBe(true);
    // What IntakeBufferDepth reports, and the alarm pages on.
    expect(report.leftInBuffer).toBe(1);
    expect(await stack.deps.intakeBuffer.find(accepted.body.id as string)).toBeDefined();
    await drainIntakeBuffer(stack.deps);
  });

  it('replays a request that was already stored without a second row', async () => {
    const created = await invoke(
      makeCreate(stack.deps),
      apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }),
    );
    const stored = await stack.deps.requests.findById(created.body.id as string);
    await stack.deps.intakeBuffer.hold(stored!);
    const report = await drainIntakeBuffer(stack.deps);
    expect(report).toMatchObject({ replayed: 0, alreadyStored: 1 });
    const { rows } = await stack.sql.query('SELECT count(*)::int AS n FROM emergency_requests WHERE id = $1', [
      created.body.id,
    ]);
    expect(rows[0].n).toBe(1);
  });
});

describe('GET /health (shallow, for Route 53)', () => {
  it('is 200 ok when PostgreSQL answers', async () => {
    const response = await invoke(makeHealth(stack.deps), apiEvent({ method: 'GET', path: '/health' }));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('is 200 buffering when PostgreSQL is down but the intake buffer takes writes, and says nothing about connections', async () => {
    const response = await invoke(makeHealth(down), apiEvent({ method: 'GET', path: '/health' }));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'buffering' });
    expect(JSON.stringify(response.body)).not.toMatch(/127\.0\.0\.1|nobody|postgres:\/\//);
  });

  it('probes the buffer without storing anything the drain would replay', async () => {
    await invoke(makeHealth(down), apiEvent({ method: 'GET', path: '/health' }));
    expect(await stack.deps.intakeBuffer.find(INTAKE_PROBE_ID)).toBeUndefined();
  });

  it('is 200 whatever the backlog: more than 10 pending is a business condition, not an outage', async () => {
    const busy = await testStack();
    try {
      const create = makeCreate(busy.deps);
      for (let i = 0; i < 11; i++)
        await invoke(create, apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }));
      const response = await invoke(makeHealth(busy.deps), apiEvent({ method: 'GET', path: '/health' }));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ok' });
    } finally {
      await busy.close();
    }
  });

  it('is 503 down when neither PostgreSQL nor the intake buffer can take an emergency', async () => {
    const nowhere = allDeps({ ...down.config, tables: { ...down.config.tables, intakeBuffer: 'no-such-table' } });
    try {
      const response = await invoke(makeHealth(nowhere), apiEvent({ method: 'GET', path: '/health' }));
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ status: 'down' });
    } finally {
      await closeAllDeps(nowhere);
    }
  });
});

describe('GET /ops/health (deep, operations only)', () => {
  const tables = ['locations', 'idempotency', 'scalingState', 'intakeBuffer', 'rateLimits'];
  const reachable = { verdict: 'reachable', latencyMs: expect.any(Number) };
  /** The report's dependencies on the test stack (local phone key, DATABASE_URL, NOTIFIER=log), with some replaced. */
  const dependencies = (replaced: Record<string, object>) =>
    [
      { name: 'postgresql:writer', ...reachable },
      ...tables.map((table) => ({ name: `dynamodb:${table}`, ...reachable })),
      {
        name: 'kms:phone-data-key',
        verdict: 'not-used',
        detail: 'not used on this stage: phone numbers are sealed with the local key (PHONE_PROTECTION=local)',
      },
      {
        name: 'kms:phone-hash-key',
        verdict: 'not-used',
        detail: 'not used on this stage: phone numbers are sealed with the local key (PHONE_PROTECTION=local)',
      },
      {
        name: 'secrets-manager:database',
        verdict: 'not-used',
        detail: 'not used on this stage: PostgreSQL is reached through DATABASE_URL',
      },
      {
        name: 'sns:ops-alerts',
        verdict: 'not-used',
        detail: 'not used on this stage: messages are logged (NOTIFIER=log)',
      },
    ].map((dependency) => ({ ...dependency, ...replaced[dependency.name] }));

  it('is 200 healthy when PostgreSQL and DynamoDB answer and the backlog is short', async () => {
    const response = await invoke(
      makeOpsHealth(stack.deps),
      apiEvent({ method: 'GET', path: '/ops/health', headers: asOperations }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'healthy',
      checks: { postgres: { status: 'ok' }, dynamodb: { status: 'ok' }, backlog: { status: 'ok', threshold: 10 } },
      severity: { severity: 'P4' },
    });
    expect(response.body.dependencies).toEqual(dependencies({}));
  });

  it('names each dependency that cannot be reached, with the others still reachable: DynamoDB on a closed port', async () => {
    const nowhere = allDeps({ ...stack.config, dynamodb: { endpoint: `http://127.0.0.1:${await freePort()}` } });
    try {
      const response = await invoke(
        makeOpsHealth({ ...nowhere, verifier: stack.deps.verifier }),
        apiEvent({ method: 'GET', path: '/ops/health', headers: asOperations }),
      );
      expect(response.status).toBe(200);
      const unreachable = { verdict: 'unreachable', latencyMs: expect.any(Number), error: 'ECONNREFUSED' };
      expect(response.body.dependencies).toEqual(
        dependencies(Object.fromEntries(tables.map((table) => [`dynamodb:${table}`, unreachable]))),
      );
      expect(response.body).toMatchObject({
        status: 'unhealthy',
        checks: { postgres: { status: 'ok' }, dynamodb: { status: 'failed', detail: 'unreachable' } },
        severity: { severity: 'P1' },
      });
    } finally {
      await closeAllDeps(nowhere);
    }
  });

  it('reports unhealthy with per-check detail and no connection details when PostgreSQL is down', async () => {
    const response = await invoke(
      makeOpsHealth(down),
      apiEvent({ method: 'GET', path: '/ops/health', headers: asOperations }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'unhealthy',
      checks: { postgres: { status: 'failed' }, dynamodb: { status: 'ok' } },
      severity: { severity: 'P1', reasons: ['service is down'] },
    });
    expect(response.body.dependencies).toEqual(
      dependencies({
        'postgresql:writer': { verdict: 'unreachable', latencyMs: expect.any(Number), error: 'ECONNREFUSED' },
      }),
    );
    expect(JSON.stringify(response.body)).not.toMatch(/127\.0\.0\.1|nobody|postgres:\/\//);
  });

  it('reports degraded, with the backlog and its severity, when more than 10 requests are pending', async () => {
    const busy = await testStack();
    try {
      const create = makeCreate(busy.deps);
      for (let i = 0; i < 11; i++)
        await invoke(create, apiEvent({ method: 'POST', path: '/emergencies', body: emergencyBody() }));
      const response = await invoke(
        makeOpsHealth({ ...busy.deps, verifier: stack.deps.verifier }),
        apiEvent({ method: 'GET', path: '/ops/health', headers: asOperations }),
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'degraded',
        checks: { backlog: { status: 'degraded', pending: 11 } },
        severity: { severity: 'P1', reasons: ['11 emergencies waiting (over 10)'] },
      });
    } finally {
      await busy.close();
    }
  });

  it('reports unhealthy when a DynamoDB table is missing', async () => {
    const missing = allDeps({ ...stack.config, tables: { ...stack.config.tables, locations: 'no-such-table' } });
    try {
      const response = await invoke(
        makeOpsHealth(missing),
        apiEvent({ method: 'GET', path: '/ops/health', headers: asOperations }),
      );
      expect(response.body).toMatchObject({ status: 'unhealthy', checks: { dynamodb: { status: 'failed' } } });
    } finally {
      await closeAllDeps(missing);
    }
  });
});
