import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastQueries } from '#shared/adapters/postgres/incident-broadcasts.js';
import { metricsQueries } from '#shared/adapters/postgres/metrics-store.js';
import { startOfUkDay } from '#shared/domain/uk-day.js';
import { seedRequest } from '../support/requests.js';
import { testStack, type TestStack } from '../support/stack.js';

const now = new Date('2026-02-10T14:00:00Z');
const hourAgo = new Date(now.getTime() - 3600_000);
const today = startOfUkDay(now);
const historical = 100_000;
let stack: TestStack;
let loadMs = 0;
const queries = { ...metricsQueries, ...broadcastQueries };

beforeAll(async () => {
  stack = await testStack();
  const started = performance.now();
  // A year of history, one request every 5¼ minutes: 95% completed (1% by override), 5% cancelled, 2% synthetic tests. One statement,
  // so the audit trigger (kept on: it is part of what production pays) runs inside a single transaction.
  await stack.sql.query(
    `INSERT INTO emergency_requests (id, reference, customer_name, phone, latitude, longitude, geohash, vehicle_make_model, issue,
       priority, status, created_at, sla_deadline, on_site_at, arrival_verified_at, completed_at, cancelled_at, rating, rated_at, tracking_token_hash, is_test)
     SELECT gen_random_uuid(),
            'TH-' || (SELECT string_agg(substr('23456789ABCDEFGHJKMNPQRSTVWXYZ', ((i + 1000000) / (30 ^ k)::int % 30) + 1, 1), '' ORDER BY k DESC) FROM generate_series(0, 5) k),
            'Historical Customer', '+4477009' || lpad((i % 100000)::text, 5, '0'), 52.0, -1.0, 'gcq', 'Ford Focus', 'puncture',
            1 + i % 5,
            CASE WHEN i % 20 = 0 THEN 'cancelled' ELSE 'completed' END::request_status,
            created, created + interval '90 minutes',
            CASE WHEN i % 20 = 0 THEN NULL ELSE created + (30 + i % 70) * interval '1 minute' END,
            -- One arrival in 100 was closed by an operations override: on site, never verified.
            CASE WHEN i % 20 = 0 OR i % 100 = 3 THEN NULL ELSE created + (30 + i % 70) * interval '1 minute' END,
            CASE WHEN i % 20 = 0 THEN NULL ELSE created + (60 + i % 70) * interval '1 minute' END,
            CASE WHEN i % 20 = 0 THEN created + interval '20 minutes' END,
            -- A third of completed jobs are rated, ten minutes after completion.
            CASE WHEN i % 20 <> 0 AND i % 3 = 0 THEN 1 + i % 5 END,
            CASE WHEN i % 20 <> 0 AND i % 3 = 0 THEN created + (70 + i % 70) * interval '1 minute' END,
            repeat('h', 64), i % 50 = 7
       FROM generate_series(1, $2::int) i, LATERAL (SELECT $1::timestamptz - i * interval '315 seconds' AS created) c`,
    [now, historical],
  );
  loadMs = performance.now() - started;
  // Today's open queue on top of the history (seedRequest's references count up from 1, far below the history's).
  for (const status of ['pending', 'pending', 'assigned', 'en_route', 'on_site'] as const) {
    await seedRequest(stack.sql, { status, createdAt: new Date(now.getTime() - 20 * 60_000).toISOString() });
  }
  await stack.sql.query('ANALYZE emergency_requests');
}, 180_000);
afterAll(() => stack.close());

const cases: Array<[keyof typeof queries, unknown[]]> = [
  ['openByStatus', []],
  ['pendingQueue', [2]],
  ['completedBetween', [today, now]],
  ['arrivalsBetween', [hourAgo, now]],
  ['arrivalsBetween', [today, now]],
  ['missedUnarrivedBetween', [hourAgo, now]],
  ['missedUnarrivedBetween', [today, now]],
  ['unverifiedCompletionsBetween', [hourAgo, now]],
  ['unverifiedCompletionsBetween', [today, now]],
  ['satisfactionBetween', [new Date(now.getTime() - 24 * 3600_000), now]],
  ['etaAgreementBetween', [new Date(now.getTime() - 24 * 3600_000), now]],
  ['openPastDeadline', [now]],
  // The spike figure: requests in the last minute.
  ['createdBetween', [new Date(now.getTime() - 60_000), now]],
  // The promise SLO's windows, the longest (30 days) included.
  ['arrivalsBetween', [new Date(now.getTime() - 30 * 86400_000), now]],
  ['missedUnarrivedBetween', [new Date(now.getTime() - 30 * 86400_000), now]],
  ['openRecipients', ['INC-2026-001']],
];

describe(`metrics and broadcast queries over ${historical.toLocaleString('en-GB')} historical requests`, () => {
  it('loaded the history', async () => {
    const { rows } = await stack.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM emergency_requests');
    expect(rows[0]!.n).toBe(historical + 5);
    console.info(`loaded ${historical} requests (with audit rows) in ${Math.round(loadMs)} ms`);
  });

  it.each(cases)('answers %s %j from an index, never a sequential scan of emergency_requests', async (name, params) => {
    const { rows } = await stack.sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${queries[name]}`, params);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan, plan).not.toMatch(/Seq Scan on emergency_requests/);
    expect(plan, plan).toMatch(/Index (Only )?Scan .*on emergency_requests|Bitmap Index Scan on emergency_requests_/);
  });

  it('covers every query the two stores run', () => {
    expect(new Set(cases.map(([name]) => name))).toEqual(new Set(Object.keys(queries)));
  });
});
