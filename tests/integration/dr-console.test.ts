// drFailover and drRestore: RDS, CloudWatch and Lambda stubbed with aws-sdk-client-mock (exact commands), the DR record in real PostgreSQL.
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateDBInstanceCommand,
  DeregisterDBProxyTargetsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBProxyTargetsCommand,
  DescribeGlobalClustersCommand,
  type DescribeDBProxyTargetsCommandOutput,
  type DescribeGlobalClustersCommandOutput,
  type FailoverStatus,
  FailoverGlobalClusterCommand,
  RDSClient,
  RegisterDBProxyTargetsCommand,
  RestoreDBClusterToPointInTimeCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchReplicationLag } from '#shared/adapters/cloudwatch/replication-lag.js';
import { RdsControlPlane } from '#shared/adapters/rds/control-plane.js';
import { LambdaDrillVerification } from '#shared/adapters/lambda/drill-invoker.js';
import { PostgresWriterProbe } from '#shared/adapters/postgres/writer-probe.js';
import type { Notification, Notifier } from '#shared/ports/notifier.js';
import { failoverDatabase, parseFailoverInput, type FailoverDeps } from '#functions/disaster-recovery/dr-failover.js';
import { parseRestoreInput, restoreDatabase, type RestoreDeps } from '#functions/disaster-recovery/dr-restore.js';
import { testStack, type TestStack } from '../support/stack.js';

const primaryArn = 'arn:aws:rds:eu-west-2:123456789012:cluster:tyrehero-dispatch-prod';
const secondaryArn = 'arn:aws:rds:eu-west-1:123456789012:cluster:tyrehero-dispatch-prod-eu-west-1';
const globalId = 'tyrehero-dispatch-prod-global';
const rdsClient = new RDSClient({ region: 'eu-west-1' });
const cloudwatchClient = new CloudWatchClient({ region: 'eu-west-1' });
const lambdaClient = new LambdaClient({ region: 'eu-west-1' });
const lambda = mockClient(lambdaClient);
const rds = mockClient(rdsClient);
const cloudwatch = mockClient(cloudwatchClient);

// A clock that only the poll's wait moves: elapsed time is exact and nothing sleeps.
let clockMs = new Date('2026-01-14T15:00:00Z').getTime();
const sent: Notification[] = [];
const recording: Notifier = { send: (n) => Promise.resolve(void sent.push(n)) };
let stack: TestStack;
let failoverDeps: FailoverDeps;
let restoreDeps: RestoreDeps;

const globalCluster = (writer: string, failover?: { Status: FailoverStatus }): DescribeGlobalClustersCommandOutput => ({
  $metadata: {},
  GlobalClusters: [
    {
      GlobalClusterIdentifier: globalId,
      Status: failover ? 'switching-over' : 'available',
      GlobalClusterMembers: [
        { DBClusterArn: primaryArn, IsWriter: writer === primaryArn },
        { DBClusterArn: secondaryArn, IsWriter: writer === secondaryArn, SynchronizationStatus: 'connected' },
      ],
      ...(failover
        ? { FailoverState: { Status: failover.Status, FromDbClusterArn: primaryArn, ToDbClusterArn: secondaryArn } }
        : {}),
    },
  ],
});

beforeAll(async () => {
  stack = await testStack({ overrides: { clock: { now: () => new Date(clockMs) }, notifier: recording } });
  const database = new RdsControlPlane(rdsClient);
  const common = stack.deps;
  failoverDeps = {
    ...common,
    dr: { globalClusterId: globalId },
    controlPlane: { database, target: database, lag: new CloudWatchReplicationLag(cloudwatchClient) },
    wait: (ms) => Promise.resolve(void (clockMs += ms)),
    // This stack plays eu-west-1 being promoted; its own PostgreSQL (a primary, so it takes writes at once).
    region: 'eu-west-1',
    activeRegionCacheMs: 5000,
    writer: new PostgresWriterProbe(common.pool),
    verify: (operator) => new LambdaDrillVerification(lambdaClient, 'tyrehero-dispatch-prod-drDrill').verify(operator),
  };
  restoreDeps = {
    ...common,
    dr: {
      clusterId: 'tyrehero-dispatch-prod',
      proxyName: 'tyrehero-dispatch-prod',
      restoreClusterPrefix: 'tyrehero-dispatch-prod-restore-',
    },
    controlPlane: { restore: database },
    wait: (ms) => Promise.resolve(void (clockMs += ms)),
  };
});
beforeEach(() => {
  rds.reset();
  cloudwatch.reset();
  lambda.reset();
  lambda.on(InvokeCommand).resolves({
    StatusCode: 200,
    Payload: new TextEncoder().encode(JSON.stringify({ kind: 'drill', outcome: 'succeeded' })) as never,
  });
  sent.length = 0;
  rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(primaryArn));
  rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: secondaryArn }).resolves({
    DBClusters: [
      {
        DBClusterIdentifier: 'tyrehero-dispatch-prod-eu-west-1',
        Status: 'available',
        DBClusterMembers: [{ IsClusterWriter: false }],
      },
    ],
  });
  cloudwatch.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: 'replicationLag', Values: [900] },
      { Id: 'rpoLag', Values: [1500] },
    ],
  });
});
afterAll(() => stack.close());

describe('drFailover', () => {
  it('is a dry run by default: a readable plan, pre-checks run, nothing changed, no alert, recorded as planned', async () => {
    const report = await failoverDatabase(failoverDeps, parseFailoverInput({ targetClusterArn: secondaryArn }));
    expect(report).toMatchObject({
      kind: 'failover',
      dryRun: true,
      outcome: 'planned',
      plan: { mode: 'switchover', from: primaryArn, to: secondaryArn, lagSeconds: 1.5 },
    });
    expect(report.planText[1]).toBe(`2. SwitchoverGlobalCluster on ${globalId}: ${primaryArn} → ${secondaryArn}.`);
    expect(rds.commandCalls(SwitchoverGlobalClusterCommand)).toHaveLength(0);
    expect(sent).toEqual([]);
    expect((await failoverDeps.drRuns.list('failover', 1))[0]).toMatchObject({ dryRun: true, outcome: 'planned' });
  });

  it('switches over, polls until the target is the writer, reports the time against the 5-minute RTO, and alerts at start and finish', async () => {
    rds.on(SwitchoverGlobalClusterCommand).resolves({});
    rds
      .on(DescribeGlobalClustersCommand)
      .resolvesOnce(globalCluster(primaryArn))
      .resolvesOnce(globalCluster(primaryArn, { Status: 'pending' }))
      .resolvesOnce(globalCluster(primaryArn, { Status: 'pending' }))
      .resolves(globalCluster(secondaryArn));
    const report = await failoverDatabase(
      failoverDeps,
      parseFailoverInput({ dryRun: false, operator: 'oncall@tyrehero.co.uk', targetClusterArn: secondaryArn }),
    );

    expect(rds.commandCalls(SwitchoverGlobalClusterCommand).map((c) => c.args[0].input)).toEqual([
      { GlobalClusterIdentifier: globalId, TargetDbClusterIdentifier: secondaryArn },
    ]);
    expect(rds.commandCalls(FailoverGlobalClusterCommand)).toHaveLength(0);
    // 3 polls of 10 s, then the 5 s every function may keep the old record.
    expect(report).toMatchObject({
      outcome: 'succeeded',
      result: {
        settled: true,
        polls: 3,
        elapsedSeconds: 35,
        rtoSeconds: 300,
        withinRto: true,
        writer: secondaryArn,
        activeRegion: 'eu-west-1',
      },
    });
    expect(report.result!.steps.map((s) => [s.name, s.ok, s.seconds])).toEqual([
      ['promote', true, 30],
      ['wait-for-writer', true, 0],
      ['flip-active-region', true, 5],
      ['drain-buffer', true, 0],
      ['verify', true, 0],
    ]);
    expect(await failoverDeps.activeRegion.read()).toMatchObject({ region: 'eu-west-1', by: 'oncall@tyrehero.co.uk' });
    expect(lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input)).toEqual([
      {
        FunctionName: 'tyrehero-dispatch-prod-drDrill',
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify({ dryRun: false, operator: 'oncall@tyrehero.co.uk' })),
      },
    ]);
    expect(sent.map((n) => (n.channel === 'operations' ? n.subject : ''))).toEqual([
      'TyreHero DR failover started by oncall@tyrehero.co.uk',
      expect.stringMatching(/^TyreHero DR failover succeeded after 35 s$/),
    ]);
    expect((await failoverDeps.drRuns.list('failover', 1))[0]).toMatchObject({
      operator: 'oncall@tyrehero.co.uk',
      dryRun: false,
      outcome: 'succeeded',
      result: { elapsedSeconds: 35 },
    });
  });

  it('refuses a switchover while replication lags over 10 s', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'replicationLag', Values: [14_000] },
        { Id: 'rpoLag', Values: [] },
      ],
    });
    const report = await failoverDatabase(
      failoverDeps,
      parseFailoverInput({ dryRun: false, operator: 'oncall', targetClusterArn: secondaryArn }),
    );
    expect(report).toMatchObject({
      outcome: 'refused',
      error: 'Refused: replication lag 14 s is over 10 s: wait, or use a disaster failover',
    });
    expect(rds.commandCalls(SwitchoverGlobalClusterCommand)).toHaveLength(0);
  });

  it('runs a disaster failover with AllowDataLoss only when the caller repeats the exact target cluster id', async () => {
    rds.on(FailoverGlobalClusterCommand).resolves({});
    // Call by call: the refused run's pre-check, the confirmed run's pre-check, then its poll sees the new writer.
    rds
      .on(DescribeGlobalClustersCommand)
      .resolvesOnce(globalCluster(primaryArn))
      .resolvesOnce(globalCluster(primaryArn))
      .resolves(globalCluster(secondaryArn));
    const unconfirmed = await failoverDatabase(
      failoverDeps,
      parseFailoverInput({
        dryRun: false,
        operator: 'oncall',
        mode: 'failover',
        targetClusterArn: secondaryArn,
        confirmTargetClusterId: 'tyrehero-dispatch-prod',
      }),
    );
    expect(unconfirmed).toMatchObject({
      outcome: 'refused',
      error: expect.stringContaining(
        'repeat the target cluster id exactly as confirmTargetClusterId ("tyrehero-dispatch-prod-eu-west-1")',
      ),
    });
    expect(rds.commandCalls(FailoverGlobalClusterCommand)).toHaveLength(0);

    const confirmed = await failoverDatabase(
      failoverDeps,
      parseFailoverInput({
        dryRun: false,
        operator: 'oncall',
        mode: 'failover',
        targetClusterArn: secondaryArn,
        confirmTargetClusterId: 'tyrehero-dispatch-prod-eu-west-1',
      }),
    );
    expect(confirmed.error).toBeUndefined();
    expect(rds.commandCalls(FailoverGlobalClusterCommand).map((c) => c.args[0].input)).toEqual([
      { GlobalClusterIdentifier: globalId, TargetDbClusterIdentifier: secondaryArn, AllowDataLoss: true },
    ]);
    expect(confirmed).toMatchObject({ outcome: 'succeeded', result: { settled: true, withinRto: true } });
  });

  it('fails the run, record flipped and buffer drained, when the synthetic job does not pass', async () => {
    rds.on(SwitchoverGlobalClusterCommand).resolves({});
    rds.on(DescribeGlobalClustersCommand).resolvesOnce(globalCluster(primaryArn)).resolves(globalCluster(secondaryArn));
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: new TextEncoder().encode(
        JSON.stringify({ outcome: 'failed', result: { failures: ['not dispatched (no technician)'] } }),
      ) as never,
    });
    const report = await failoverDatabase(
      failoverDeps,
      parseFailoverInput({ dryRun: false, operator: 'oncall', targetClusterArn: secondaryArn }),
    );
    expect(report.outcome).toBe('failed');
    expect(report.result!.steps.at(-1)).toMatchObject({
      name: 'verify',
      ok: false,
      detail: 'drDrill failed: not dispatched (no technician)',
    });
    expect(report.result!.steps.slice(0, 4).every((s) => s.ok)).toBe(true);
  });

  it('reports a failover that has not settled within the polls as failed', async () => {
    rds.on(SwitchoverGlobalClusterCommand).resolves({});
    rds
      .on(DescribeGlobalClustersCommand)
      .resolvesOnce(globalCluster(primaryArn))
      .resolves(globalCluster(primaryArn, { Status: 'pending' }));
    const report = await failoverDatabase(
      failoverDeps,
      parseFailoverInput({
        dryRun: false,
        operator: 'oncall',
        targetClusterArn: secondaryArn,
        pollSeconds: 30,
        maxPolls: 12,
      }),
    );
    expect(report).toMatchObject({
      outcome: 'failed',
      result: { settled: false, polls: 12, elapsedSeconds: 360, withinRto: false },
    });
    // Nothing after a failed promotion: the record still names the old region's choice, nobody drained, no drill.
    expect(report.result!.steps.map((s) => s.name)).toEqual(['promote']);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});

describe('drRestore', () => {
  const source = 'tyrehero-dispatch-prod';
  const target = 'tyrehero-dispatch-prod-restore-1';
  const writer = 'tyrehero-dispatch-prod-restore-1-writer';
  const targetArn = `arn:aws:rds:eu-west-2:123456789012:cluster:${target}`;
  const notFound = (name: string) => Object.assign(new Error('not found'), { name });
  const cluster = (id: string, status: string) => ({
    DBClusters: [
      { DBClusterIdentifier: id, DBClusterArn: `arn:aws:rds:eu-west-2:123456789012:cluster:${id}`, Status: status },
    ],
  });
  const proxyTargets = (
    clusterId: string,
    instance?: { State: 'REGISTERING' | 'AVAILABLE' | 'UNAVAILABLE'; Reason?: 'AUTH_FAILURE' },
  ): DescribeDBProxyTargetsCommandOutput => ({
    $metadata: {},
    Targets: [
      { Type: 'TRACKED_CLUSTER', TrackedClusterId: clusterId },
      ...(instance
        ? [
            {
              Type: 'RDS_INSTANCE' as const,
              TrackedClusterId: clusterId,
              Role: 'READ_WRITE' as const,
              TargetHealth: instance,
            },
          ]
        : []),
    ],
  });
  const mutations = () =>
    rds
      .calls()
      .map((c) => c.args[0])
      .filter((command) => !command.constructor.name.startsWith('Describe'))
      .map((command) => [command.constructor.name.replace(/Command$/, ''), command.input]);

  beforeEach(() => {
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: source }).resolves({
      DBClusters: [
        {
          DBClusterIdentifier: source,
          Status: 'available',
          EarliestRestorableTime: new Date('2026-01-07T15:00:00Z'),
          LatestRestorableTime: new Date('2026-01-14T14:58:00Z'),
          DBSubnetGroup: 'tyrehero-dispatch-prod-databasesubnetgroup-abc',
          VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0database', Status: 'active' }],
          DBClusterParameterGroup: 'tyrehero-dispatch-prod-databaseclusterparameters-def',
          ServerlessV2ScalingConfiguration: { MinCapacity: 2, MaxCapacity: 32 },
          IAMDatabaseAuthenticationEnabled: true,
          DeletionProtection: true,
        },
      ],
    });
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: target }).rejects(notFound('DBClusterNotFoundFault'));
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: writer }).rejects(notFound('DBInstanceNotFoundFault'));
    rds.on(DescribeDBProxyTargetsCommand).resolves(proxyTargets(source, { State: 'AVAILABLE' }));
    rds.on(RestoreDBClusterToPointInTimeCommand).resolves({ DBCluster: { DBClusterArn: targetArn } });
    rds.on(CreateDBInstanceCommand).resolves({});
    rds.on(DeregisterDBProxyTargetsCommand).resolves({});
    rds.on(RegisterDBProxyTargetsCommand).resolves({});
  });

  it('refuses a time outside the restorable window, and a target outside the stage’s restore prefix', async () => {
    const early = await restoreDatabase(
      restoreDeps,
      parseRestoreInput({
        dryRun: false,
        operator: 'oncall',
        restoreTime: '2026-01-01T00:00:00Z',
        targetClusterId: target,
      }),
    );
    expect(early).toMatchObject({
      outcome: 'refused',
      error:
        'Refused: 2026-01-01T00:00:00.000Z is outside the restorable window 2026-01-07T15:00:00.000Z – 2026-01-14T14:58:00.000Z',
    });
    const inService = await restoreDatabase(
      restoreDeps,
      parseRestoreInput({
        dryRun: false,
        operator: 'oncall',
        restoreTime: '2026-01-14T12:00:00Z',
        targetClusterId: source,
      }),
    );
    expect(inService.error).toBe(
      'Refused: targetClusterId must start with tyrehero-dispatch-prod-restore- (the only clusters drRestore may create and change)',
    );
    expect(mutations()).toEqual([]);
  });

  it('plans by default: where the restore goes, its writer and the proxy switch, and changes nothing', async () => {
    const dry = await restoreDatabase(
      restoreDeps,
      parseRestoreInput({ restoreTime: '2026-01-14T12:00:00+00:00', targetClusterId: target }),
    );
    expect(dry).toMatchObject({
      outcome: 'planned',
      plan: { proxyTarget: source, writerInstanceId: writer, resuming: false },
    });
    expect(dry.planText[1]).toBe(
      `2. RestoreDBClusterToPointInTime: ${source} at 2026-01-14T12:00:00.000Z → new cluster ${target} (copy-on-write), placed as the source is: subnet group tyrehero-dispatch-prod-databasesubnetgroup-abc, security groups sg-0database, parameter group tyrehero-dispatch-prod-databaseclusterparameters-def, 2–32 ACU, the source's key. The cluster in service is not touched.`,
    );
    expect(dry.planText[5]).toMatch(
      /^6\. Switch RDS Proxy tyrehero-dispatch-prod \(target group default\): DeregisterDBProxyTargets tyrehero-dispatch-prod, then RegisterDBProxyTargets tyrehero-dispatch-prod-restore-1\./,
    );
    expect(mutations()).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('with dryRun false restores, adds the writer, moves the proxy and reports each step’s time', async () => {
    rds
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: target })
      .rejectsOnce(notFound('DBClusterNotFoundFault'))
      .rejectsOnce(notFound('DBClusterNotFoundFault'))
      .resolvesOnce(cluster(target, 'creating'))
      .resolves(cluster(target, 'available'));
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: writer })
      .rejectsOnce(notFound('DBInstanceNotFoundFault'))
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: 'creating' }] })
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: 'creating' }] })
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] });
    rds
      .on(DescribeDBProxyTargetsCommand)
      .resolvesOnce(proxyTargets(source, { State: 'AVAILABLE' }))
      .resolvesOnce(proxyTargets(source, { State: 'AVAILABLE' }))
      .resolvesOnce(proxyTargets(target, { State: 'REGISTERING' }))
      .resolves(proxyTargets(target, { State: 'AVAILABLE' }));

    const report = await restoreDatabase(
      restoreDeps,
      parseRestoreInput({
        dryRun: false,
        operator: 'oncall@tyrehero.co.uk',
        restoreTime: '2026-01-14T12:00:00+00:00',
        targetClusterId: target,
      }),
    );

    expect(mutations()).toEqual([
      [
        'RestoreDBClusterToPointInTime',
        {
          SourceDBClusterIdentifier: source,
          DBClusterIdentifier: target,
          RestoreToTime: new Date('2026-01-14T12:00:00Z'),
          RestoreType: 'copy-on-write',
          DBSubnetGroupName: 'tyrehero-dispatch-prod-databasesubnetgroup-abc',
          VpcSecurityGroupIds: ['sg-0database'],
          DBClusterParameterGroupName: 'tyrehero-dispatch-prod-databaseclusterparameters-def',
          ServerlessV2ScalingConfiguration: { MinCapacity: 2, MaxCapacity: 32 },
          EnableIAMDatabaseAuthentication: true,
          DeletionProtection: true,
          CopyTagsToSnapshot: true,
        },
      ],
      [
        'CreateDBInstance',
        {
          DBInstanceIdentifier: writer,
          DBClusterIdentifier: target,
          DBInstanceClass: 'db.serverless',
          Engine: 'aurora-postgresql',
          PubliclyAccessible: false,
          PromotionTier: 0,
        },
      ],
      [
        'DeregisterDBProxyTargets',
        { DBProxyName: 'tyrehero-dispatch-prod', TargetGroupName: 'default', DBClusterIdentifiers: [source] },
      ],
      [
        'RegisterDBProxyTargets',
        { DBProxyName: 'tyrehero-dispatch-prod', TargetGroupName: 'default', DBClusterIdentifiers: [target] },
      ],
    ]);
    expect(report).toMatchObject({
      outcome: 'succeeded',
      result: {
        complete: true,
        targetClusterArn: targetArn,
        previousProxyTarget: source,
        state: `The proxy serves ${target} through ${writer}. ${source} is untouched and no longer behind the proxy. Next: drRecover (dry run first).`,
      },
    });
    // One poll of 30 s for the cluster, two for the writer, one for the proxy.
    expect(report.result!.steps.map((s) => [s.name, s.ok, s.seconds])).toEqual([
      ['restore-cluster', true, 0],
      ['wait-for-cluster', true, 30],
      ['create-writer', true, 0],
      ['wait-for-writer', true, 60],
      ['switch-proxy', true, 0],
      ['wait-for-proxy', true, 30],
    ]);
    expect(sent.map((n) => (n.channel === 'operations' ? n.subject : ''))).toEqual([
      'TyreHero DR restore started by oncall@tyrehero.co.uk',
      'TyreHero DR restore succeeded after 120 s',
    ]);
    expect((await restoreDeps.drRuns.list('restore', 1))[0]).toMatchObject({
      operator: 'oncall@tyrehero.co.uk',
      outcome: 'succeeded',
    });
  });

  it('stops when its wait budget is spent, says where things are, and a second run goes on from there', async () => {
    rds
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: target })
      .rejectsOnce(notFound('DBClusterNotFoundFault'))
      .rejectsOnce(notFound('DBClusterNotFoundFault'))
      .resolves(cluster(target, 'creating'));
    const input = {
      dryRun: false,
      operator: 'oncall',
      restoreTime: '2026-01-14T12:00:00Z',
      targetClusterId: target,
      waitBudgetSeconds: 90,
    };
    const first = await restoreDatabase(restoreDeps, parseRestoreInput(input));
    expect(first.outcome).toBe('failed');
    expect(first.result!.steps.map((s) => [s.name, s.ok, s.seconds])).toEqual([
      ['restore-cluster', true, 0],
      ['wait-for-cluster', false, 90],
    ]);
    expect(first.result!.steps[1]!.detail).toBe(
      `${target} still creating after 90 s: this invocation's wait budget is spent`,
    );
    expect(first.result!.state).toBe(
      `${target} is not available yet; the proxy still serves ${source}. Invoke drRestore again with the same input to go on: the steps already done are skipped.`,
    );
    expect(mutations().map(([name]) => name)).toEqual(['RestoreDBClusterToPointInTime']);

    // The second run: call counts start again, so each stub's answers below are this run's.
    rds.resetHistory();
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: target }).resolves(cluster(target, 'available'));
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: writer })
      .rejectsOnce(notFound('DBInstanceNotFoundFault'))
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] });
    rds
      .on(DescribeDBProxyTargetsCommand)
      .resolvesOnce(proxyTargets(source, { State: 'AVAILABLE' }))
      .resolvesOnce(proxyTargets(source, { State: 'AVAILABLE' }))
      .resolves(proxyTargets(target, { State: 'AVAILABLE' }));
    const second = await restoreDatabase(restoreDeps, parseRestoreInput(input));
    expect(second.planText[0]).toMatch(/exists already \(available\), from an earlier run/);
    expect(second).toMatchObject({ outcome: 'succeeded', result: { complete: true } });
    expect(second.result!.steps[0]!.detail).toBe(`${target} exists already (available): continuing with it`);
    // Not restored a second time: it goes on from the cluster the first run started.
    expect(mutations().map(([name]) => name)).toEqual([
      'CreateDBInstance',
      'DeregisterDBProxyTargets',
      'RegisterDBProxyTargets',
    ]);
  });

  it('says the proxy has no target when the old cluster was taken off and the restored one could not be put on', async () => {
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: target }).resolves(cluster(target, 'available'));
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: writer }).resolves({
      DBInstances: [{ DBInstanceStatus: 'available' }],
    });
    rds
      .on(RegisterDBProxyTargetsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const report = await restoreDatabase(
      restoreDeps,
      parseRestoreInput({
        dryRun: false,
        operator: 'oncall',
        restoreTime: '2026-01-14T12:00:00Z',
        targetClusterId: target,
      }),
    );
    expect(report.outcome).toBe('failed');
    expect(report.result!.steps.at(-1)).toMatchObject({ name: 'switch-proxy', ok: false, detail: 'Rate exceeded' });
    expect(report.result!.state).toMatch(
      /^THE PROXY HAS NO TARGET: tyrehero-dispatch-prod was deregistered and tyrehero-dispatch-prod-restore-1 could not be registered/,
    );
    expect(report.result!.state).toContain(
      'aws rds register-db-proxy-targets --db-proxy-name tyrehero-dispatch-prod --target-group-name default --db-cluster-identifiers tyrehero-dispatch-prod',
    );
  });

  it('rejects input that is not a time or not a cluster identifier', () => {
    expect(() => parseRestoreInput({ restoreTime: 'yesterday', targetClusterId: 'x' })).toThrow(/restoreTime/);
    expect(() => parseRestoreInput({ restoreTime: '2026-01-14T12:00:00Z', targetClusterId: 'bad id!' })).toThrow(
      /targetClusterId/,
    );
  });
});
