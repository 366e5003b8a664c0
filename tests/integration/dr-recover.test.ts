// drRecover on embedded PostgreSQL and DynamoDB Local, with gaps seeded the way a bad restore or a lost write leaves them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/domain/errors.js';
import { parseRecoverInput, recoverRequests } from '#functions/disaster-recovery/dr-recover.js';
import { seedRequest } from '../support/requests.js';
import { testStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
let deps: TestStack['deps'];

/** Removes rows behind the audit trigger's back, as a restore to an older point or a lost write would. */
async function loseSilently(ids: string[]) {
  const client = await stack.sql.connect();
  try {
    await client.query(`SET session_replication_role = replica`);
    await client.query('DELETE FROM emergency_requests WHERE id = ANY($1::uuid[])', [ids]);
  } finally {
    await client.query('RESET session_replication_role');
    client.release();
  }
}

const count = async (ids: string[]) =>
  (
    await stack.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM emergency_requests WHERE id = ANY($1::uuid[])',
      [ids],
    )
  ).rows[0]!.n;

let lost: string[];
let deleted: string;
let updatedThenLost: string;
let buffered: string;
let journalled: string;

beforeAll(async () => {
  stack = await testStack();
  deps = stack.deps;
  lost = [];
  for (let i = 0; i < 3; i++)
    lost.push(await seedRequest(stack.sql, { status: 'pending', createdAt: `2026-01-14T0${i}:00:00Z` }));
  updatedThenLost = await seedRequest(stack.sql, { status: 'pending', createdAt: '2026-01-14T05:00:00Z' });
  await stack.sql.query(
    `UPDATE emergency_requests SET status = 'cancelled', cancelled_at = '2026-01-14T05:10:00Z' WHERE id = $1`,
    [updatedThenLost],
  );
  // An image written before migration 0002 added declined_by and friends: the replay must fill the defaults in.
  await stack.sql.query(
    `UPDATE emergency_requests_audit SET new_row = new_row - 'declined_by' - 'sla_at_risk' - 'dispatch_attempts' WHERE request_id = $1`,
    [lost[0]],
  );
  deleted = await seedRequest(stack.sql, {
    status: 'cancelled',
    createdAt: '2026-01-14T06:00:00Z',
    cancelledAt: '2026-01-14T06:05:00Z',
  });
  await stack.sql.query('DELETE FROM emergency_requests WHERE id = $1', [deleted]);
  await seedRequest(stack.sql, {
    status: 'completed',
    createdAt: '2026-01-14T07:00:00Z',
    onSiteAt: '2026-01-14T07:30:00Z',
    completedAt: '2026-01-14T08:00:00Z',
  });
  await loseSilently([...lost, updatedThenLost]);

  // An emergency accepted during an outage that never reached PostgreSQL.
  buffered = '8d7a3f0e-58f6-4c3b-9a55-3d0f6b1c2e11';
  await stack.deps.intakeBuffer.hold({
    id: buffered,
    reference: 'TH-BVFFRD',
    customerName: 'Buffered Customer',
    phone: '+447700900777',
    location: { lat: 51.5, lon: -0.12 },
    geohash: 'gcpvj0',
    vehicleMakeModel: 'Ford Focus',
    issue: 'puncture',
    onMotorway: false,
    vulnerableOccupants: false,
    priority: 3,
    createdAt: new Date('2026-01-14T09:00:00Z'),
    slaDeadline: new Date('2026-01-14T10:30:00Z'),
    trackingTokenHash: 'b'.repeat(64),
    isTest: false,
  });
  // An emergency answered 201 whose row replication never carried: only its journal copy is left.
  journalled = '3c1e9b7a-0f2d-4e6a-8b5c-7d9e1f2a3b44';
  await stack.deps.journal.keep(
    {
      id: journalled,
      reference: 'TH-JRNXRD',
      customerName: 'Journalled Customer',
      phone: '+447700900778',
      location: { lat: 51.51, lon: -0.13 },
      geohash: 'gcpvj1',
      vehicleMakeModel: 'VW Golf',
      issue: 'flat',
      onMotorway: false,
      vulnerableOccupants: false,
      priority: 3,
      createdAt: new Date('2026-01-14T09:05:00Z'),
      slaDeadline: new Date('2026-01-14T10:35:00Z'),
      trackingTokenHash: 'c'.repeat(64),
      isTest: false,
    },
    new Date('2099-01-01T00:00:00Z'),
  );
});
afterAll(() => stack.close());

describe('drRecover', () => {
  it('dry run (the default) lists what is missing, changes nothing, and is recorded as planned', async () => {
    const report = await recoverRequests(deps, parseRecoverInput({}));
    expect(report).toMatchObject({
      kind: 'recover',
      dryRun: true,
      outcome: 'planned',
      plan: { lostFromAudit: 4, buffered: 1, bufferedMissing: 1, journalKept: 1, journalMissing: 1 },
    });
    expect(report.planText.join('\n')).toMatch(
      /Re-insert 4 request\(s\).*\n.*Replay 1 intake-buffer item.*\n3\. Put back 1 of 1 intake-journal copies/,
    );
    expect(report.plan.examples.map((e) => [e.id, e.source])).toEqual([
      ...[...lost, updatedThenLost].map((id) => [id, 'audit']),
      [buffered, 'buffer'],
      [journalled, 'journal'],
    ]);
    expect(await count([...lost, updatedThenLost, buffered, journalled])).toBe(0);
    expect(await stack.deps.intakeBuffer.find(buffered)).toBeDefined();
    const [run] = await deps.drRuns.list('recover', 1);
    expect(run).toMatchObject({ kind: 'recover', dryRun: true, outcome: 'planned', operator: 'dry-run' });
  });

  it('refuses to change anything without an operator name', () => {
    expect(() => parseRecoverInput({ dryRun: false })).toThrow(ValidationError);
    expect(() => parseRecoverInput({ dryRun: 'no' })).toThrow(/dryRun/);
  });

  it('puts back every lost request from its latest audited image, the buffered one and the journalled one, never a deleted one, and counts them', async () => {
    const report = await recoverRequests(
      deps,
      parseRecoverInput({ dryRun: false, operator: 'ops.lead@tyrehero.co.uk' }),
    );
    expect(report.error).toBeUndefined();
    expect(report.outcome).toBe('succeeded');
    expect(report.result).toEqual({
      replayedFromAudit: 4,
      alreadyPresent: 0,
      buffer: { replayed: 1, alreadyStored: 0, databaseUnavailable: false, leftInBuffer: 0 },
      journal: { kept: 1, restored: 1, forgotten: 0 },
    });

    const { rows } = await stack.sql.query<{ id: string; status: string; created_at: Date; declined_by: string[] }>(
      'SELECT id, status, created_at, declined_by FROM emergency_requests WHERE id = ANY($1::uuid[]) ORDER BY created_at',
      [[...lost, updatedThenLost, buffered, journalled, deleted]],
    );
    expect(rows.map((r) => [r.id, r.status, r.created_at.toISOString()])).toEqual([
      [lost[0], 'pending', '2026-01-14T00:00:00.000Z'],
      [lost[1], 'pending', '2026-01-14T01:00:00.000Z'],
      [lost[2], 'pending', '2026-01-14T02:00:00.000Z'],
      [updatedThenLost, 'cancelled', '2026-01-14T05:00:00.000Z'],
      [buffered, 'pending', '2026-01-14T09:00:00.000Z'],
      [journalled, 'pending', '2026-01-14T09:05:00.000Z'],
    ]);
    expect(rows[0]!.declined_by).toEqual([]);
    expect(await stack.deps.intakeBuffer.find(buffered)).toBeUndefined();
    const [run] = await deps.drRuns.list('recover', 1);
    expect(run).toMatchObject({ operator: 'ops.lead@tyrehero.co.uk', dryRun: false, outcome: 'succeeded' });
  });

  it('is idempotent: a second run finds and changes nothing', async () => {
    const before = await stack.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM emergency_requests');
    const report = await recoverRequests(
      deps,
      parseRecoverInput({ dryRun: false, operator: 'ops.lead@tyrehero.co.uk' }),
    );
    expect(report.plan).toMatchObject({ lostFromAudit: 0, bufferedMissing: 0, journalMissing: 0 });
    expect(report.result).toEqual({
      replayedFromAudit: 0,
      alreadyPresent: 0,
      buffer: { replayed: 0, alreadyStored: 0, databaseUnavailable: false, leftInBuffer: 0 },
      // Still kept (its time is not over), and found in the database now.
      journal: { kept: 1, restored: 0, forgotten: 0 },
    });
    expect((await stack.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM emergency_requests')).rows[0]!.n).toBe(
      before.rows[0]!.n,
    );
  });
});
