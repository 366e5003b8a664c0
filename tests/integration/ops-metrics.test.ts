import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/operations/metrics.js';
import { makeHandler as makeCollector } from '#functions/operations/collect-metrics.js';
import { makeDocumentClient } from '#shared/adapters/dynamodb/client.js';
import { weatherStateKey } from '#shared/adapters/dynamodb/weather-level.js';
import { computeOperationalFigures } from '#functions/operations/operational-figures.js';
import type { LocalSigner } from '../../scripts/local/auth.js';
import { bearer, testAuth } from '../support/auth.js';
import { apiEvent, invoke, lambdaContext, ran } from '../support/events.js';
import { seedRequest } from '../support/requests.js';
import { testStack, type TestStack } from '../support/stack.js';

const now = new Date('2026-07-01T09:00:00Z');
let stack: TestStack;
let signer: LocalSigner;

beforeAll(async () => {
  const auth = await testAuth();
  signer = auth.signer;
  stack = await testStack({ env: auth.env, overrides: { clock: { now: () => now } } });
  // Seven waiting (a P2 queue), one of them already past its deadline, and a job reached at 08:50 BST.
  for (let i = 0; i < 6; i++)
    await seedRequest(stack.sql, {
      status: 'pending',
      createdAt: new Date(now.getTime() - (10 + i) * 60_000).toISOString(),
      priority: 1 + (i % 3),
    });
  await seedRequest(stack.sql, { status: 'pending', createdAt: '2026-07-01T07:00:00Z' });
  await seedRequest(stack.sql, {
    status: 'completed',
    createdAt: '2026-07-01T07:00:00Z',
    onSiteAt: '2026-07-01T07:50:00Z',
    completedAt: '2026-07-01T08:30:00Z',
  });
  await stack.deps.technicians.recordLocation('ops-tech', {
    location: { lat: 53.4808, lon: -2.2426 },
    recordedAt: now,
  });
  await stack.deps.technicians.setAvailability('ops-tech', 'available');
  await makeDocumentClient(stack.deps.dynamo).send(
    new PutCommand({ TableName: stack.config.tables.scalingState, Item: { ...weatherStateKey, level: 'elevated' } }),
  );
});
afterAll(() => stack.close());

const get = (headers: Record<string, string> = {}) =>
  invoke(makeHandler(stack.deps), apiEvent({ method: 'GET', path: '/ops/metrics', headers }));

describe('GET /ops/metrics', () => {
  it('answers an anonymous caller 401', async () => {
    const response = await get();
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toBe('application/problem+json');
  });

  it('answers a technician 403', async () => {
    expect((await get(bearer(await signer.mint('tech-1', ['technicians'])))).status).toBe(403);
  });

  it('gives operations the collector’s own figures, the severity they imply and the weather level', async () => {
    const response = await get(bearer(await signer.mint('ops-1', ['operations'])));
    expect(response.status).toBe(200);
    const figures = JSON.parse(JSON.stringify(await computeOperationalFigures(stack.deps)));
    expect(response.body).toEqual({
      ...figures,
      severity: { severity: 'P2', reasons: ['7 emergencies waiting (over 5)'] },
      weatherLevel: 'elevated',
      // collectMetrics has not run yet: no SLO evaluation, and nobody has opened an incident.
      slos: null,
      incidents: [],
      surge: null,
    });
    expect(response.body).toMatchObject({
      at: '2026-07-01T09:00:00.000Z',
      todayStartedAt: '2026-06-30T23:00:00.000Z',
      pendingRequests: 7,
      completedToday: 1,
      // Nobody reached in the last hour, but a deadline (08:30 UTC) missed in it: no average, 0% compliance.
      averageResponseMinutes: { lastHour: null, today: 50 },
      slaCompliancePercent: { lastHour: 0, today: 50 },
      oldestPendingMinutes: 120,
      highPriorityPending: 4,
      availableTechnicians: 1,
      openPastDeadline: 1,
    });
  });

  it('after collectMetrics runs: the SLO budgets it kept, and the P2 incident the assessor opened (once, however often it runs)', async () => {
    const collect = makeCollector(stack.deps);
    const first = ran(await collect({}, lambdaContext('collectMetrics'))) as {
      incident: { id: string; joined: boolean };
    };
    const second = ran(await collect({}, lambdaContext('collectMetrics'))) as {
      incident: { id: string; joined: boolean };
    };
    expect(first.incident).toEqual({ id: 'INC-20260701-090000', joined: false, raised: false });
    expect(second.incident).toEqual({ id: 'INC-20260701-090000', joined: true, raised: false });

    const { body } = await get(bearer(await signer.mint('ops-1', ['operations'])));
    expect(body.incidents).toEqual([
      {
        id: 'INC-20260701-090000',
        title: '7 emergencies waiting (over 5)',
        severity: 'P2',
        status: 'open',
        openedAt: '2026-07-01T09:00:00.000Z',
        pagedLevel: 1,
      },
    ]);
    // The promise: the 07:50 arrival was in time (deadline 08:30 for the 07:00 call); the other 07:00 call's deadline
    // (08:30) passed with nobody there. 1 good of 2 over 6 hours and more: 0.5 / 0.05 = 10×; the last hour and the
    // last 30 minutes (from 08:30, the deadline included) hold the miss alone: 20×; the last 5 minutes nothing.
    // 6 h at 10× with 30 min at 20× is the page rule (6×); 3 d with 6 h the warning (1×).
    expect(body.slos).toEqual({
      at: '2026-07-01T09:00:00.000Z',
      slos: [
        {
          name: 'promise',
          title: '90-minute promise',
          objective: 0.95,
          good: expect.stringContaining('arrived by the SLA deadline'),
          budgetRemaining: -9,
          attainment: 0.5,
          burnRates: { '5m': 0, '30m': 20, '1h': 20, '6h': 10, '3d': 10 },
          alert: 'page',
          firing: [
            '90-minute promise: budget burning 10× over 6h and 20× over 30m (page at 6×)',
            '90-minute promise: budget burning 10× over 3d and 10× over 6h (warn at 1×)',
          ],
        },
      ],
      unavailable: [
        { slo: 'availability', reason: 'this stage has no API Gateway metrics (SLO_GATEWAY_METRICS=none)' },
        { slo: 'latency', reason: 'this stage has no API Gateway metrics (SLO_GATEWAY_METRICS=none)' },
      ],
    });
  });
});
