// drCheck: control planes stubbed with aws-sdk-client-mock (exact commands asserted), data checks on the real engines.
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeContinuousBackupsCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeHandler } from '#functions/disaster-recovery/check.js';
import { CloudWatchReplicationLag } from '#shared/adapters/cloudwatch/replication-lag.js';
import { DynamoTableProtection } from '#shared/adapters/dynamodb/table-protection.js';
import { RdsControlPlane } from '#shared/adapters/rds/control-plane.js';
import { loadConcerns } from '#shared/config/concern.js';
import { drConcern } from '#functions/disaster-recovery/config.js';
import type { Notification, Notifier } from '#shared/ports/notifier.js';
import { metrics } from '#shared/powertools/metrics.js';
import { checkDisasterRecovery, type DrCheckDeps } from '#functions/disaster-recovery/dr-check.js';
import { lambdaContext } from '../support/events.js';
import { seedRequest } from '../support/requests.js';
import { testStack, type TestStack } from '../support/stack.js';

const now = new Date('2026-01-14T15:00:00Z');
const primaryArn = 'arn:aws:rds:eu-west-2:123456789012:cluster:tyrehero-dispatch-prod';
const secondaryArn = 'arn:aws:rds:eu-west-1:123456789012:cluster:tyrehero-dispatch-prod-eu-west-1';
const tables = ['tyrehero-dispatch-prod-locations', 'tyrehero-dispatch-prod-intake-buffer'];

const rdsClient = new RDSClient({ region: 'eu-west-2' });
const cloudwatchClient = new CloudWatchClient({ region: 'eu-west-1' });
const dynamoControl = new DynamoDBClient({ region: 'eu-west-2' });
// Only these instances are stubbed: the DynamoDB data plane (intake buffer) stays on DynamoDB Local.
const rds = mockClient(rdsClient);
const cloudwatch = mockClient(cloudwatchClient);
const dynamo = mockClient(dynamoControl);

const sent: Notification[] = [];
const recording: Notifier = { send: (n) => Promise.resolve(void sent.push(n)) };
let stack: TestStack;
let deps: DrCheckDeps;

function healthy() {
  rds.reset();
  cloudwatch.reset();
  dynamo.reset();
  rds.on(DescribeDBClustersCommand).resolves({
    DBClusters: [
      {
        DBClusterIdentifier: 'tyrehero-dispatch-prod',
        DBClusterArn: primaryArn,
        Status: 'available',
        DBClusterMembers: [
          { DBInstanceIdentifier: 'w', IsClusterWriter: true },
          { DBInstanceIdentifier: 'r', IsClusterWriter: false },
        ],
        EarliestRestorableTime: new Date('2025-12-10T15:00:00Z'),
        LatestRestorableTime: new Date('2026-01-14T14:58:00Z'),
        BackupRetentionPeriod: 35,
      },
    ],
  });
  rds.on(DescribeGlobalClustersCommand).resolves({
    GlobalClusters: [
      {
        GlobalClusterIdentifier: 'tyrehero-dispatch-prod-global',
        Status: 'available',
        GlobalClusterMembers: [
          { DBClusterArn: primaryArn, IsWriter: true },
          { DBClusterArn: secondaryArn, IsWriter: false, SynchronizationStatus: 'connected' },
        ],
      },
    ],
  });
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({
    DBClusterSnapshots: [
      { SnapshotCreateTime: new Date('2026-01-14T03:10:00Z') },
      { SnapshotCreateTime: new Date('2026-01-13T03:10:00Z') },
    ],
  });
  cloudwatch.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: 'replicationLag', Values: [850, 1200] },
      { Id: 'rpoLag', Values: [2100] },
    ],
  });
  dynamo.on(DescribeContinuousBackupsCommand).resolves({
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' },
    },
  });
  dynamo
    .on(DescribeTableCommand)
    .resolves({ Table: { Replicas: [{ RegionName: 'eu-west-1', ReplicaStatus: 'ACTIVE' }] } });
}

beforeAll(async () => {
  stack = await testStack({ overrides: { clock: { now: () => now }, notifier: recording } });
  const { dr } = loadConcerns([drConcern], {
    DR_CONTROL_PLANE: 'aws',
    DR_CLUSTER_ID: 'tyrehero-dispatch-prod',
    DR_GLOBAL_CLUSTER_ID: 'tyrehero-dispatch-prod-global',
    DR_SECONDARY_REGION: 'eu-west-1',
    DR_SECONDARY_CLUSTER_ID: 'tyrehero-dispatch-prod-eu-west-1',
    DR_BACKUP_RETENTION_DAYS: '35',
    DR_TRAILING_DAYS: '7',
  });
  deps = {
    ...stack.deps,
    dr,
    controlPlane: {
      database: new RdsControlPlane(rdsClient),
      lag: new CloudWatchReplicationLag(cloudwatchClient),
      tables: new DynamoTableProtection(dynamoControl),
    },
    tableNames: tables,
  };
});
beforeEach(() => {
  healthy();
  sent.length = 0;
});
afterAll(() => stack.close());

const byName = (report: Awaited<ReturnType<typeof checkDisasterRecovery>>) =>
  Object.fromEntries(report.checks.map((c) => [c.name, c]));

describe('drCheck against the control planes', () => {
  it('is pass/P4 when everything is healthy, with RTO and RPO estimates inside the targets, asking each API exactly once', async () => {
    const report = await checkDisasterRecovery(deps);
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report).toMatchObject({
      status: 'pass',
      severity: { severity: 'P4' },
      rtoEstimate: { seconds: 270 },
      rpoEstimate: { seconds: 2.1 },
      targets: { rtoSeconds: 300, rpoSeconds: 30 },
    });
    expect(sent).toEqual([]);

    expect(rds.commandCalls(DescribeDBClustersCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterIdentifier: 'tyrehero-dispatch-prod' },
    ]);
    expect(rds.commandCalls(DescribeGlobalClustersCommand).map((c) => c.args[0].input)).toEqual([
      { GlobalClusterIdentifier: 'tyrehero-dispatch-prod-global' },
    ]);
    expect(rds.commandCalls(DescribeDBClusterSnapshotsCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterIdentifier: 'tyrehero-dispatch-prod', SnapshotType: 'automated' },
    ]);
    expect(cloudwatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      {
        StartTime: new Date('2026-01-14T14:55:00Z'),
        EndTime: now,
        MetricDataQueries: [
          {
            Id: 'replicationLag',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/RDS',
                MetricName: 'AuroraGlobalDBReplicationLag',
                Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'tyrehero-dispatch-prod-eu-west-1' }],
              },
              Period: 60,
              Stat: 'Maximum',
            },
          },
          {
            Id: 'rpoLag',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/RDS',
                MetricName: 'AuroraGlobalDBRPOLag',
                Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'tyrehero-dispatch-prod-eu-west-1' }],
              },
              Period: 60,
              Stat: 'Maximum',
            },
          },
        ],
      },
    ]);
    expect(
      dynamo
        .commandCalls(DescribeContinuousBackupsCommand)
        .map((c) => c.args[0].input)
        .sort((a, b) => String(a.TableName).localeCompare(String(b.TableName))),
    ).toEqual(tables.map((TableName) => ({ TableName })).sort((a, b) => a.TableName.localeCompare(b.TableName)));
  });

  it('warns when replication lags past 10 s and fails past the 30 s RPO', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'replicationLag', Values: [12_500] },
        { Id: 'rpoLag', Values: [9_000] },
      ],
    });
    expect(byName(await checkDisasterRecovery(deps))['replication-lag']).toMatchObject({
      status: 'warn',
      observed: { replicationLagSeconds: 12.5 },
    });
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'replicationLag', Values: [40_000] },
        { Id: 'rpoLag', Values: [31_000] },
      ],
    });
    const report = await checkDisasterRecovery(deps);
    expect(report.status).toBe('fail');
    expect(byName(report)['replication-lag']).toMatchObject({
      status: 'fail',
      detail: 'lag 40 s exceeds the 30 s RPO',
    });
    expect(sent).toEqual([
      expect.objectContaining({
        channel: 'operations',
        purpose: 'dr-check-failed',
        subject: expect.stringMatching(/^\[P3\] TyreHero DR check failed: replication-lag$/),
      }),
    ]);
  });

  it('fails while a global failover is in progress, and then estimates the RTO as a restore', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({
      GlobalClusters: [
        {
          GlobalClusterIdentifier: 'tyrehero-dispatch-prod-global',
          Status: 'failing-over',
          GlobalClusterMembers: [
            { DBClusterArn: primaryArn, IsWriter: true },
            { DBClusterArn: secondaryArn, IsWriter: false },
          ],
          FailoverState: {
            Status: 'failing-over',
            FromDbClusterArn: primaryArn,
            ToDbClusterArn: secondaryArn,
            IsDataLossAllowed: true,
          },
        },
      ],
    });
    const report = await checkDisasterRecovery(deps);
    expect(byName(report)['global-database']).toMatchObject({
      status: 'fail',
      detail: `a failover is in progress (failing-over) from ${primaryArn} to ${secondaryArn}`,
    });
    expect(report.rtoEstimate).toMatchObject({ seconds: 3600 });
  });

  it('fails when the latest automated backup is over 24 h old', async () => {
    rds
      .on(DescribeDBClusterSnapshotsCommand)
      .resolves({ DBClusterSnapshots: [{ SnapshotCreateTime: new Date('2026-01-13T14:00:00Z') }] });
    expect(byName(await checkDisasterRecovery(deps)).backups).toMatchObject({
      status: 'fail',
      detail: 'the latest automated backup is older than 24 h',
    });
  });

  it('fails when point-in-time recovery is off on a table', async () => {
    dynamo.on(DescribeContinuousBackupsCommand, { TableName: tables[1] }).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
      },
    });
    expect(byName(await checkDisasterRecovery(deps))['dynamodb-pitr']).toMatchObject({
      status: 'fail',
      detail: `point-in-time recovery is off on ${tables[1]}`,
    });
  });

  it('fails when a global-table replica is not ACTIVE', async () => {
    dynamo
      .on(DescribeTableCommand, { TableName: tables[0] })
      .resolves({ Table: { Replicas: [{ RegionName: 'eu-west-1', ReplicaStatus: 'UPDATING' }] } });
    expect(byName(await checkDisasterRecovery(deps))['dynamodb-replicas']).toMatchObject({
      status: 'fail',
      detail: `${tables[0]} replica in eu-west-1 is UPDATING`,
    });
  });

  it('fails (and says why) when a control plane cannot be read, rather than call an unverifiable setup ready', async () => {
    rds
      .on(DescribeDBClustersCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    expect(byName(await checkDisasterRecovery(deps))['aurora-cluster']).toMatchObject({
      status: 'fail',
      detail: 'could not be read: ThrottlingException: Rate exceeded',
    });
  });

  it('publishes DrCheckFailed = 1 and the lag figures from the scheduled handler', async () => {
    const added = vi.spyOn(metrics, 'addMetric');
    dynamo.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
      },
    });
    const report = await makeHandler(deps)({}, lambdaContext('tyrehero-dispatch-test-drCheck'));
    expect(report.status).toBe('fail');
    expect(added.mock.calls.map(([name, , value]) => [name, value])).toEqual([
      ['DrCheckFailed', 1],
      ['ReplicationLagSeconds', 1.2],
      ['RpoLagSeconds', 2.1],
      ['RpoEstimateSeconds', 2.1],
    ]);
    added.mockRestore();
  });
});

describe('drCheck data integrity (SQL on embedded PostgreSQL)', () => {
  it('judges a silent stretch against the trailing rate for its hour: suspicious at 14:00, normal at 04:00', async () => {
    // Seven days of history: a request every 2 minutes in the 14:00 hour, one an hour at 04:00.
    for (let day = 1; day <= 7; day++) {
      const date = new Date(now.getTime() - day * 86_400_000).toISOString().slice(0, 10);
      for (let m = 0; m < 60; m += 2)
        await seedRequest(stack.sql, {
          status: 'completed',
          createdAt: `${date}T14:${String(m).padStart(2, '0')}:10Z`,
        });
      await seedRequest(stack.sql, { status: 'completed', createdAt: `${date}T04:30:10Z` });
    }
    // Today at 14:00: busy, then nothing from 14:20 to 14:40 (10 requests expected), then busy again.
    for (const m of [...Array(20).keys(), ...Array.from({ length: 20 }, (_, i) => 40 + i)])
      await seedRequest(stack.sql, {
        status: 'completed',
        createdAt: `2026-01-14T14:${String(m).padStart(2, '0')}:30Z`,
      });

    const gaps = byName(await checkDisasterRecovery(deps))['minute-gaps'];
    expect(gaps).toMatchObject({
      status: 'fail',
      observed: { suspicious: [{ from: '2026-01-14T14:20:00.000Z', minutes: 20, expected: 10 }] },
    });

    // The same hour-long silence before 05:00 is what 4 a.m. looks like (1 request expected): not suspicious.
    const night = await checkDisasterRecovery({ ...deps, clock: { now: () => new Date('2026-01-14T05:00:00Z') } });
    expect(byName(night)['minute-gaps']).toMatchObject({ status: 'pass', observed: { gaps: 1, suspicious: [] } });
  });

  it('fails on requests lost from emergency_requests and raises a data-integrity severity; warns on stuck ones', async () => {
    const lost = await seedRequest(stack.sql, { status: 'pending', createdAt: '2026-01-14T14:59:00Z' });
    const client = await stack.sql.connect();
    await client.query('SET session_replication_role = replica');
    await client.query('DELETE FROM emergency_requests WHERE id = $1', [lost]);
    await client.query('RESET session_replication_role');
    client.release();
    await seedRequest(stack.sql, { status: 'pending', createdAt: '2026-01-14T14:00:00Z' }); // pending 60 min > 30

    const report = await checkDisasterRecovery(deps);
    const checks = byName(report);
    expect(checks['lost-requests']).toMatchObject({ status: 'fail', observed: { lost: 1 } });
    expect(checks['stuck-requests']).toMatchObject({ status: 'warn', detail: '1 pending beyond their thresholds' });
    expect(report.severity).toMatchObject({
      severity: 'P3',
      reasons: expect.arrayContaining(['data-integrity failure']),
    });
  });
});
