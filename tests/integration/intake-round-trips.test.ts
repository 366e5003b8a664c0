// What one intake costs in round trips (issue 12, item 4), on the real engines: SQL statements and DynamoDB calls per
// intake, the per-phone lock still holding with the duplicate check, the hourly limit and the insert in one call, and the
// weather level read at most once a minute.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { intakeWeatherCache, makeHandler } from '#functions/intake/create.js';
import { makeDocumentClient, makeDynamoClient } from '#shared/adapters/dynamodb/client.js';
import { DynamoWeatherLevelReader, weatherStateKey } from '#shared/adapters/dynamodb/weather-level.js';
import { PostgresRequestStore } from '#shared/adapters/postgres/request-store.js';
import { randomIds } from '#shared/adapters/system.js';
import { slaDeadlineFor, type NewEmergency } from '#shared/domain/emergency.js';
import { hashTrackingToken } from '#shared/domain/tracking.js';
import type { Clock } from '#shared/ports/clock.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { seedTechnicianProfiles } from '../support/technicians.js';

// 14:00 UK time on a winter weekday.
let now = new Date('2026-01-14T14:00:00Z');
const clock: Clock = { now: () => now };
let stack: TestStack;
const statements: string[] = [];
/** Every DynamoDB call the service's client makes, as "Command table" (the document client and idempotency share it). */
const dynamoCalls: string[] = [];

beforeAll(async () => {
  stack = await testStack({ overrides: { clock } });
  // Every statement the service's pool sends (BEGIN and COMMIT included), as scripts/bench/surge.ts counts them.
  stack.deps.pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
      const first = a[0];
      statements.push(typeof first === 'string' ? first : String((first as { text?: string }).text));
      return query(...a);
    };
  });
  stack.deps.dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const table = String((args.input as { TableName?: string }).TableName);
      dynamoCalls.push(
        `${context.commandName} ${Object.entries(stack.config.tables).find(([, name]) => name === table)?.[0] ?? table}`,
      );
      return next(args);
    },
    { step: 'initialize', name: 'countDynamoCalls' },
  );
  await seedTechnicianProfiles(stack, ['round-trip-luton', 'round-trip-oxford']);
  await stack.deps.technicians.recordLocation('round-trip-luton', {
    location: { lat: 51.9467, lon: -0.5203 },
    recordedAt: now,
  });
  await stack.deps.technicians.setAvailability('round-trip-luton', 'available');
  await stack.deps.technicians.recordLocation('round-trip-oxford', {
    location: { lat: 51.752, lon: -1.2577 },
    recordedAt: now,
  });
  await stack.deps.technicians.setAvailability('round-trip-oxford', 'available');
});
afterAll(() => stack.close());

const post = (body: unknown, headers: Record<string, string> = { 'Idempotency-Key': randomUUID() }) =>
  invoke(makeHandler(stack.deps), apiEvent({ method: 'POST', path: '/emergencies', body, headers }));

describe('SQL statements per intake', () => {
  it('assigns a technician in 4 statements where fewer than 5 vans can make it: store (with the key), count who else waits nearby, assign with the technician and keep the answer, record the SMS', async () => {
    statements.length = 0;
    const response = await post(emergencyBody({ location: { lat: 51.8793, lon: -0.4175 } }));

    expect(response.body).toMatchObject({
      status: 'assigned',
      technician: { id: 'round-trip-luton', firstName: 'Tech0' },
    });
    expect(statements).toHaveLength(4);
    expect(statements[0]).toContain('store_emergency_once');
    // The batched policy's supply check (DISPATCH_POLICY, the default): with fewer than 5 vans in reach, whether others wait
    // for them decides between the nearest now and the window. Nobody else waits here. With 5 or more in reach it is not
    // made (tests/integration/batched-dispatch.test.ts): 3 statements, as before batching.
    expect(statements[1]).toMatch(
      /SELECT count\(\*\)::int AS pending FROM emergency_requests WHERE status = 'pending'/,
    );
    expect(statements[2]).toMatch(/UPDATE emergency_requests[\s\S]*INSERT INTO intake_answers[\s\S]*FROM technicians/);
    expect(statements[3]).toContain('record_customer_sms_within_cap');
    // The answer was kept by the assignment's statement, its technician's name and van left for a replay to fill in.
    const kept = await stack.sql.query<{ answer: string }>('SELECT answer FROM intake_answers WHERE request_id = $1', [
      response.body.id,
    ]);
    expect(JSON.parse(kept.rows[0]!.answer)).toMatchObject({
      id: response.body.id,
      status: 'assigned',
      trackingToken: null,
      technician: { id: 'round-trip-luton', firstName: null, van: null },
    });
    // Still audited: the insert and the assignment each left their row.
    const audit = await stack.sql.query(
      'SELECT operation FROM emergency_requests_audit WHERE request_id = $1 ORDER BY audit_id',
      [response.body.id],
    );
    expect(audit.rows.map((r) => r.operation)).toEqual(['INSERT', 'UPDATE']);
  });

  it('keeps no answer for a request sent without an Idempotency-Key: nothing could ask for it again', async () => {
    statements.length = 0;
    // In Shetland, where nobody can reach it: store, record the attempt, count the queue for the page, and no fourth.
    const response = await post(emergencyBody({ location: { lat: 60.155, lon: -1.145 } }), {});

    expect(response.body).toMatchObject({ status: 'pending', slaAtRisk: true });
    expect(statements).toHaveLength(3);
    expect(statements.some((s) => s.includes('intake_answers'))).toBe(false);
  });

  it('leaves a request nobody can reach pending in 4 statements: store, record the attempt, count the queue for the page, keep the answer', async () => {
    statements.length = 0;
    const response = await post(emergencyBody({ location: { lat: 60.155, lon: -1.145 } }));

    expect(response.body).toMatchObject({ status: 'pending', slaAtRisk: true });
    expect(statements).toHaveLength(4);
  });
});

describe('DynamoDB calls per intake', () => {
  const tally = () =>
    dynamoCalls.reduce<Record<string, number>>((t, call) => ({ ...t, [call]: (t[call] ?? 0) + 1 }), {});

  it('assigns with the weather level, one search Query per range and the claim: no idempotency records, no counters', async () => {
    dynamoCalls.length = 0;
    const response = await post(emergencyBody({ location: { lat: 51.7, lon: -1.3 } }));

    expect(response.body).toMatchObject({ status: 'assigned', technician: { id: 'round-trip-oxford' } });
    expect(tally()).toEqual({
      // The Idempotency-Key is matched in the intake's SQL call (migration 0015): no PutItem before, no UpdateItem after.
      // Read on every intake here; production caches it for a minute per container (below).
      'GetItemCommand scalingState': 1,
      // The journal copy (INTAKE_JOURNAL_SECONDS), written beside dispatch so a failover cannot lose this 201. (The
      // active-region record is read once per ACTIVE_REGION_CACHE_MS: an earlier intake in this file read it.)
      'PutItemCommand intakeBuffer': 1,
      // Two vans in reach of a k = 5 search: its discs grow from 1 km (nobody) to 8 km (Oxford) to one sized from that
      // density, and the last reads the whole 92 km reach, which crosses the prime meridian: 7 Queries. The fixed levels
      // before issue 28's adaptive search took 4 here; the adaptive one reads far fewer items where vans are dense and
      // pays in Queries where they are this sparse (docs/performance.md, "Search cost at density"; at most 14).
      'QueryCommand locations': 7,
      'UpdateItemCommand locations': 1,
    });
  });

  it('counts the per-phone limit and the SMS cap in PostgreSQL, not in the rate-limits table', async () => {
    dynamoCalls.length = 0;
    await post(emergencyBody({ location: { lat: 51.8793, lon: -0.4175 } }));
    expect(dynamoCalls.filter((call) => call.endsWith('rateLimits'))).toEqual([]);
  });

  it('keeps the per-phone limit in the DynamoDB counter while PostgreSQL is down and intakes are buffered', async () => {
    // Nothing listens on port 1: the store is unreachable, as during a failover, so intakes go to the buffer.
    const down = new pg.Pool({
      connectionString: 'postgres://nobody@127.0.0.1:1/none',
      connectionTimeoutMillis: 1_000,
    });
    try {
      const deps = {
        ...stack.deps,
        requests: new PostgresRequestStore(down, stack.deps.phones),
        abuse: { intakeLimitPerPhoneHour: 2 },
      };
      const phone = '+447700900779';
      const buffered = (
        await Promise.all(
          [0, 1].map(() =>
            invoke(
              makeHandler(deps),
              apiEvent({
                method: 'POST',
                path: '/emergencies',
                body: emergencyBody({ customer: { name: 'Outage Caller', phone } }),
              }),
            ),
          ),
        )
      ).map((r) => r.status);
      expect(buffered).toEqual([202, 202]);
      dynamoCalls.length = 0;
      const refused = await invoke(
        makeHandler(deps),
        apiEvent({
          method: 'POST',
          path: '/emergencies',
          body: emergencyBody({ customer: { name: 'Outage Caller', phone } }),
        }),
      );
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(dynamoCalls).toContain('UpdateItemCommand rateLimits');
    } finally {
      await down.end();
    }
  });
});

describe('the per-phone lock with the duplicate check and insert in one call', () => {
  const draft = (phone: string): NewEmergency => ({
    id: randomUUID(),
    reference: randomIds.reference(),
    customerName: 'Lock Tester',
    phone,
    location: { lat: 51.5155, lon: -0.0922 },
    geohash: 'gcpvtw6xp',
    vehicleMakeModel: 'Ford Focus',
    issue: 'puncture',
    onMotorway: false,
    vulnerableOccupants: false,
    priority: 3,
    createdAt: now,
    slaDeadline: slaDeadlineFor(now, 90),
    trackingTokenHash: hashTrackingToken(randomUUID()),
    isTest: false,
  });

  it('sees a request committed by the call holding the lock while it waited, and answers duplicate', async () => {
    const phone = '+447700900777';
    const hash = await stack.deps.phones.lookupHash(phone);
    const holder = await stack.sql.connect();
    try {
      // Another intake from the same phone holds the lock and has inserted, not yet committed.
      const first = draft(phone);
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [hash]);
      await holder.query(
        `INSERT INTO emergency_requests (id, reference, customer_name, phone_hash, phone_sealed, latitude, longitude, geohash, vehicle_make_model, issue, priority, created_at, sla_deadline, tracking_token_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          first.id,
          first.reference,
          first.customerName,
          hash,
          await stack.deps.phones.seal(phone),
          first.location.lat,
          first.location.lon,
          first.geohash,
          first.vehicleMakeModel,
          first.issue,
          first.priority,
          first.createdAt,
          first.slaDeadline,
          first.trackingTokenHash,
        ],
      );

      const second = stack.deps.requests.insertUnlessDuplicate(
        draft(phone),
        new Date(now.getTime() - 5 * 60_000),
        5,
        now,
      );
      // The second call's statement began (its snapshot cannot see the first row) and now waits on the lock.
      await vi.waitFor(
        async () => {
          const { rows } = await stack.sql.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
          );
          if (rows[0]!.n === 0) throw new Error('second intake not waiting on the lock yet');
        },
        { timeout: 20_000, interval: 20 },
      );
      await holder.query('COMMIT');

      await expect(second).resolves.toEqual({
        kind: 'duplicate',
        existing: { id: first.id, reference: first.reference, status: 'pending' },
      });
      const { rows } = await stack.sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM emergency_requests WHERE phone_hash = $1',
        [hash],
      );
      expect(rows[0]!.n).toBe(1);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
  });

  it("counts the phone's last hour in the same call: 5 of 20 simultaneous intakes get in, the rest learn when a slot frees", async () => {
    const phone = '+447700900780';
    // No duplicate window (each would otherwise be a 409), so only the hourly limit stops them.
    const noDuplicates = new Date(now.getTime() + 1);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        stack.deps.requests.insertUnlessDuplicate(draft(phone), noDuplicates, 5, noDuplicates),
      ),
    );
    expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(5);
    const limited = outcomes.filter((o) => o.kind === 'rate-limited');
    expect(limited).toHaveLength(15);
    // All five were stored at `now`: a slot frees an hour later.
    expect(limited.map((o) => o.kind === 'rate-limited' && o.retryAfterSeconds)).toEqual(
      Array.from({ length: 15 }, () => 3600),
    );
    // A retry of a stored request is answered as such, never refused.
    const stored = outcomes.find((o) => o.kind === 'created')!;
    const retry = await stack.deps.requests.insertUnlessDuplicate(
      { ...draft(phone), id: stored.kind === 'created' ? stored.request.id : '' },
      noDuplicates,
      5,
      noDuplicates,
    );
    expect(retry.kind).toBe('replayed');
    const { rows } = await stack.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM emergency_requests WHERE phone_hash = $1',
      [await stack.deps.phones.lookupHash(phone)],
    );
    expect(rows[0]!.n).toBe(5);
  });

  it('frees a slot exactly an hour after the request that took it', async () => {
    const phone = '+447700900781';
    const at = (ms: number) => ({ ...draft(phone), createdAt: new Date(now.getTime() + ms) });
    const noDuplicates = new Date(now.getTime() + 7_200_000);
    expect((await stack.deps.requests.insertUnlessDuplicate(at(0), noDuplicates, 1, noDuplicates)).kind).toBe(
      'created',
    );
    expect(await stack.deps.requests.insertUnlessDuplicate(at(3_599_000), noDuplicates, 1, noDuplicates)).toEqual({
      kind: 'rate-limited',
      retryAfterSeconds: 1,
    });
    expect((await stack.deps.requests.insertUnlessDuplicate(at(3_600_000), noDuplicates, 1, noDuplicates)).kind).toBe(
      'created',
    );
  });

  it('lets exactly one of twenty simultaneous intakes from one phone in', async () => {
    const phone = '+447700900778';
    const since = new Date(now.getTime() - 5 * 60_000);
    const outcomes = await Promise.all(
      Array.from(
        { length: 20 },
        async () => (await stack.deps.requests.insertUnlessDuplicate(draft(phone), since, 5, since)).kind,
      ),
    );
    expect(outcomes.filter((k) => k === 'created')).toHaveLength(1);
    expect(outcomes.filter((k) => k === 'duplicate')).toHaveLength(19);
  });
});

describe('the weather level read by intake', () => {
  it('is read from DynamoDB at most once a minute per container', async () => {
    const documents = makeDocumentClient(makeDynamoClient(stack.config));
    let gets = 0;
    documents.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetItemCommand') gets++;
        return next(args);
      },
      { step: 'initialize', name: 'countGets' },
    );
    const table = stack.config.tables.scalingState;
    await documents.send(new PutCommand({ TableName: table, Item: { ...weatherStateKey, level: 'elevated' } }));
    const reader = new DynamoWeatherLevelReader(documents, table, intakeWeatherCache(clock));
    const t0 = now;
    try {
      expect(await reader.currentLevel()).toBe('elevated');
      expect(gets).toBe(1);

      await documents.send(new PutCommand({ TableName: table, Item: { ...weatherStateKey, level: 'severe' } }));
      now = new Date(t0.getTime() + 59_999);
      expect(await reader.currentLevel()).toBe('elevated');
      expect(gets).toBe(1);

      now = new Date(t0.getTime() + 60_000);
      expect(await reader.currentLevel()).toBe('severe');
      expect(gets).toBe(2);
      // The count is of real reads: the item is what the table holds.
      expect((await documents.send(new GetCommand({ TableName: table, Key: weatherStateKey }))).Item?.level).toBe(
        'severe',
      );
    } finally {
      now = t0;
      documents.destroy();
    }
  });
});
