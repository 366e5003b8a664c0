import { ApplicationAutoScalingClient, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { ModifyDBClusterCommand, RDSClient } from '@aws-sdk/client-rds';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeHandler } from '#functions/weather-scaling/scale.js';
import type { Overrides } from '../../scripts/local/all-deps.js';
import { makeDocumentClient } from '#shared/adapters/dynamodb/client.js';
import { weatherStateKey } from '#shared/adapters/dynamodb/weather-level.js';
import type { FetchLike } from '#shared/adapters/weather/http.js';
import { metrics } from '#shared/powertools/metrics.js';
import type { WeatherScalingReport } from '#functions/weather-scaling/weather-scaling.js';
import { beginSurge, endSurge, settleSurge } from '#functions/incidents/surge.js';
import { testStack, type TestStack } from '../support/stack.js';
import { ran } from '../support/events.js';
import { fixtureFetch, type Reply } from '../support/weather.js';

const topic = 'arn:aws:sns:eu-west-2:123456789012:tyrehero-dispatch-test-ops-alerts';
const targets = [
  {
    kind: 'provisioned-concurrency',
    name: 'intake',
    functionName: 'tyrehero-dispatch-test-createEmergency',
    alias: 'provisioned',
    capacity: { normal: { min: 2, max: 10 }, elevated: { min: 5, max: 25 }, severe: { min: 12, max: 60 } },
  },
  {
    kind: 'provisioned-concurrency',
    name: 'dispatch',
    functionName: 'tyrehero-dispatch-test-dispatch',
    alias: 'live',
    capacity: { normal: { min: 1, max: 5 }, elevated: { min: 3, max: 15 }, severe: { min: 6, max: 30 } },
  },
  {
    kind: 'aurora-min-acu',
    name: 'database',
    clusterId: 'tyrehero-dispatch-test-cluster',
    maxAcu: 32,
    minAcu: { normal: 2, elevated: 4, severe: 8 },
  },
];
const autoScaling = mockClient(ApplicationAutoScalingClient);
const rds = mockClient(RDSClient);
const sns = mockClient(SNSClient);

const t0 = new Date('2026-01-12T06:10:00Z');
let now = t0;
const minutes = (m: number) => new Date(t0.getTime() + m * 60_000);
let served: FetchLike = fixtureFetch({ status: 200, fixture: 'open-meteo/clear.json' }).fetch;
const serve = (...replies: Reply[]) => {
  const recording = fixtureFetch(...replies);
  served = recording.fetch;
  return recording;
};
const snow: Reply = { status: 200, fixture: 'open-meteo/snow-london-south-east.json' };
const clear: Reply = { status: 200, fixture: 'open-meteo/clear.json' };
const outage: Reply = { status: 503, body: '{"error":true,"reason":"Service temporarily unavailable"}' };

let stack: TestStack;
let handler: ReturnType<typeof makeHandler>;
let documents: ReturnType<typeof makeDocumentClient>;
let runCount = 0;

const overrides: Overrides = {
  clock: { now: () => now },
  fetch: (url, init) => served(url, init),
  ids: { uuid: () => `run-${++runCount}`, reference: () => 'TH-UNUSED', trackingToken: () => 'unused' },
};

beforeAll(async () => {
  stack = await testStack({
    env: {
      WEATHER_PROVIDER: 'open-meteo',
      WEATHER_RETRY_BASE_MS: '0',
      WEATHER_SCALING_TARGETS: JSON.stringify(targets),
      SCALER: 'aws',
      NOTIFIER: 'sns',
      OPS_ALERTS_TOPIC_ARN: topic,
    },
    overrides,
  });
  handler = makeHandler(stack.deps);
  documents = makeDocumentClient(stack.deps.dynamo);
});
afterAll(() => stack.close());
afterEach(() => vi.restoreAllMocks());
beforeEach(async () => {
  autoScaling.reset();
  rds.reset();
  sns.reset();
  autoScaling
    .on(RegisterScalableTargetCommand)
    .resolves({ ScalableTargetARN: 'arn:aws:application-autoscaling:eu-west-2:123456789012:scalable-target/0a1b' });
  rds.on(ModifyDBClusterCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  await documents.send(new DeleteCommand({ TableName: stack.config.tables.scalingState, Key: weatherStateKey }));
  now = t0;
});

const run = async (event: unknown = {}, at?: Date): Promise<WeatherScalingReport> => {
  if (at) now = at;
  return ran(await handler(event as never, {} as never));
};
const stateItem = async () =>
  (
    await documents.send(
      new GetCommand({ TableName: stack.config.tables.scalingState, Key: weatherStateKey, ConsistentRead: true }),
    )
  ).Item;
const scalingCalls = () => ({
  autoScaling: autoScaling.commandCalls(RegisterScalableTargetCommand).map((c) => c.args[0].input),
  rds: rds.commandCalls(ModifyDBClusterCommand).map((c) => c.args[0].input),
});
const published = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
const resetCalls = () => {
  autoScaling.resetHistory();
  rds.resetHistory();
  sns.resetHistory();
};
const concurrency = (functionName: string, alias: string, min: number, max: number) => ({
  ServiceNamespace: 'lambda',
  ScalableDimension: 'lambda:function:ProvisionedConcurrency',
  ResourceId: `function:${functionName}:${alias}`,
  MinCapacity: min,
  MaxCapacity: max,
});
const minAcu = (min: number) => ({
  DBClusterIdentifier: 'tyrehero-dispatch-test-cluster',
  ServerlessV2ScalingConfiguration: { MinCapacity: min, MaxCapacity: 32 },
  ApplyImmediately: true,
});

/** A baseline: the job has set every target to normal once. */
async function settleAtNormal(): Promise<void> {
  serve(clear);
  await run({}, minutes(-15));
  resetCalls();
}

describe('weatherScaling', () => {
  it('scales every target up before forecast snow, records the state intake reads, and tells operations', async () => {
    await settleAtNormal();
    serve(snow);
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const report = await run({}, t0);

    expect(report).toMatchObject({
      outcome: 'completed',
      forecast: { provider: 'open-meteo', available: true, level: 'severe', demandMultiplier: 2.35, leadMinutes: 170 },
      decision: { kind: 'up', from: 'normal', to: 'severe' },
      targets: { failed: [], unchanged: [] },
    });
    expect(report.targets.changed.map((c) => [c.target, c.fromCapacity, c.toCapacity])).toEqual([
      ['intake', 'provisioned concurrency 2–10', 'provisioned concurrency 12–60'],
      ['dispatch', 'provisioned concurrency 1–5', 'provisioned concurrency 6–30'],
      ['database', '2 min ACU', '8 min ACU'],
    ]);
    expect(scalingCalls()).toEqual({
      autoScaling: [
        concurrency('tyrehero-dispatch-test-createEmergency', 'provisioned', 12, 60),
        concurrency('tyrehero-dispatch-test-dispatch', 'live', 6, 30),
      ],
      rds: [minAcu(8)],
    });
    expect(published()).toEqual([
      {
        TopicArn: topic,
        Subject: 'TyreHero weather: severe (was normal)',
        Message: [
          'Weather level normal → severe (forecast is severe).',
          'National demand ×2.35, first bad weather in 170 min.',
          '',
          'Regions:',
          '- London (severe): freezing -1.5°C from 09:00; snowfall 2.4 cm from 09:00; snow (WMO 75) from 09:00',
          '- South East (severe): freezing -1.5°C from 09:00; snowfall 2.4 cm from 09:00; snow (WMO 75) from 09:00',
          '- Birmingham (elevated): freezing -1.9°C from 08:00',
          '',
          'Capacity:',
          '- intake: provisioned concurrency 2–10 → provisioned concurrency 12–60',
          '- dispatch: provisioned concurrency 1–5 → provisioned concurrency 6–30',
          '- database: 2 min ACU → 8 min ACU',
        ].join('\n'),
      },
    ]);
    expect(await stateItem()).toMatchObject({
      level: 'severe',
      since: t0.toISOString(),
      lastScaleUpAt: t0.toISOString(),
      lastChangeAt: t0.toISOString(),
      clearRuns: 0,
      fetchFailures: 0,
      version: 4,
      applied: { intake: 'severe', dispatch: 'severe', database: 'severe' },
      reasons: [
        { region: 'London', level: 'severe', conditions: ['freezing -1.5°C', 'snowfall 2.4 cm', 'snow (WMO 75)'] },
        { region: 'South East', level: 'severe', conditions: ['freezing -1.5°C', 'snowfall 2.4 cm', 'snow (WMO 75)'] },
        { region: 'Birmingham', level: 'elevated', conditions: ['freezing -1.9°C'] },
      ],
    });
    expect((await stateItem())!.leaseRunId).toBeUndefined();
    // Intake's severe-weather priority bump reads this same item.
    expect(await stack.deps.weather.currentLevel()).toBe('severe');
    expect(addMetric.mock.calls).toEqual([
      ['ForecastFetchFailures', 'Count', 0],
      ['WeatherAlertLevel', 'None', 2],
    ]);
  });

  it('changes nothing on a dry run, yet returns the full decision', async () => {
    await settleAtNormal();
    const before = await stateItem();
    serve(snow);
    const report = await run({ dryRun: true }, t0);

    expect(report).toMatchObject({
      outcome: 'dry-run',
      decision: { kind: 'up', from: 'normal', to: 'severe' },
      forecast: { level: 'severe' },
      alerts: [],
    });
    expect(report.targets.planned.map((p) => `${p.target}: ${p.fromCapacity} → ${p.toCapacity}`)).toEqual([
      'intake: provisioned concurrency 2–10 → provisioned concurrency 12–60',
      'dispatch: provisioned concurrency 1–5 → provisioned concurrency 6–30',
      'database: 2 min ACU → 8 min ACU',
    ]);
    expect(report.targets.changed).toEqual([]);
    expect(scalingCalls()).toEqual({ autoScaling: [], rds: [] });
    expect(published()).toEqual([]);
    expect(await stateItem()).toEqual(before);
  });

  it('keeps the level through a provider outage, never scales down, and alerts operations on the third failure', async () => {
    await settleAtNormal();
    serve(snow);
    await run({}, t0);
    resetCalls();

    const reports: WeatherScalingReport[] = [];
    for (let i = 1; i <= 4; i++) {
      const requests = serve(outage);
      reports.push(await run({}, minutes(i * 15 + 240)));
      expect(requests.requests).toHaveLength(3);
    }
    expect(reports.map((r) => [r.forecast.available, r.decision.kind, r.state.level, r.state.fetchFailures])).toEqual([
      [false, 'hold', 'severe', 1],
      [false, 'hold', 'severe', 2],
      [false, 'hold', 'severe', 3],
      [false, 'hold', 'severe', 4],
    ]);
    expect(reports[0]!.forecast.problem).toBe(
      'Open-Meteo gave no forecast after 3 attempts (HTTP 503: Service temporarily unavailable)',
    );
    expect(scalingCalls()).toEqual({ autoScaling: [], rds: [] });
    expect(published()).toEqual([
      {
        TopicArn: topic,
        Subject: 'TyreHero weather: no forecast for 3 runs',
        Message:
          'Weather scaling has had no forecast from open-meteo for 3 runs in a row. Last problem: Open-Meteo gave no forecast after 3 attempts (HTTP 503: Service temporarily unavailable). The level stays severe and nothing scales down until forecasts return.',
      },
    ]);
    expect(await stack.deps.weather.currentLevel()).toBe('severe');
  });

  it('emits a ForecastFetchFailures metric for a failed run', async () => {
    serve(outage);
    const addMetric = vi.spyOn(metrics, 'addMetric');
    await run({}, t0);
    expect(addMetric.mock.calls).toEqual([
      ['ForecastFetchFailures', 'Count', 1],
      ['WeatherAlertLevel', 'None', 0],
    ]);
  });

  it('scales down one level at a time, only after four clear runs and outside the three-hour cooldown', async () => {
    await settleAtNormal();
    serve(snow);
    await run({}, t0);
    resetCalls();

    serve(clear);
    const trail: string[] = [];
    for (let i = 1; i <= 16; i++) trail.push((await run({}, minutes(i * 15))).state.level);
    // Runs 1–11 are inside the cooldown (up to 02:45 after the scale-up); run 12 (03:00) steps down; four more clear runs step down again.
    expect(trail).toEqual([
      ...Array<string>(11).fill('severe'),
      'elevated',
      'elevated',
      'elevated',
      'elevated',
      'normal',
    ]);
    expect(scalingCalls()).toEqual({
      autoScaling: [
        concurrency('tyrehero-dispatch-test-createEmergency', 'provisioned', 5, 25),
        concurrency('tyrehero-dispatch-test-dispatch', 'live', 3, 15),
        concurrency('tyrehero-dispatch-test-createEmergency', 'provisioned', 2, 10),
        concurrency('tyrehero-dispatch-test-dispatch', 'live', 1, 5),
      ],
      rds: [minAcu(4), minAcu(2)],
    });
    expect(published().map((p) => p.Subject)).toEqual([
      'TyreHero weather: elevated (was severe)',
      'TyreHero weather: normal (was elevated)',
    ]);
  });

  it('does not oscillate capacity when forecasts alternate between snow and clear', async () => {
    await settleAtNormal();
    const levels: string[] = [];
    for (let i = 0; i < 24; i++) {
      serve(i % 2 === 0 ? snow : clear);
      levels.push((await run({}, minutes(i * 15))).state.level);
    }
    expect(new Set(levels)).toEqual(new Set(['severe']));
    expect(scalingCalls().autoScaling).toHaveLength(2);
    expect(scalingCalls().rds).toHaveLength(1);
    expect(published()).toHaveLength(1);
  });

  it('reports exactly which targets changed when scaling fails part-way, and converges on the next run', async () => {
    await settleAtNormal();
    let dispatchCalls = 0;
    autoScaling
      .on(RegisterScalableTargetCommand, { ResourceId: 'function:tyrehero-dispatch-test-dispatch:live' })
      .callsFake(() => {
        if (++dispatchCalls === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return { ScalableTargetARN: 'arn:aws:application-autoscaling:eu-west-2:123456789012:scalable-target/0c2d' };
      });
    serve(snow);
    const first = await run({}, t0);

    expect(first.targets.changed.map((c) => c.target)).toEqual(['intake', 'database']);
    expect(first.targets.failed).toEqual([
      {
        target: 'dispatch',
        from: 'normal',
        to: 'severe',
        fromCapacity: 'provisioned concurrency 1–5',
        toCapacity: 'provisioned concurrency 6–30',
        error: 'ThrottlingException: Rate exceeded',
      },
    ]);
    expect(published()[0]!.Message).toContain(
      '- intake: provisioned concurrency 2–10 → provisioned concurrency 12–60\n- database: 2 min ACU → 8 min ACU\n- dispatch: NOT CHANGED, still provisioned concurrency 1–5 (wanted provisioned concurrency 6–30): ThrottlingException: Rate exceeded. The next run retries.',
    );
    expect((await stateItem())!.applied).toEqual({ intake: 'severe', dispatch: 'normal', database: 'severe' });
    resetCalls();

    const second = await run({}, minutes(15));
    expect(second).toMatchObject({
      decision: { kind: 'hold', to: 'severe' },
      targets: { failed: [], unchanged: ['intake', 'database'] },
    });
    expect(second.targets.changed.map((c) => c.target)).toEqual(['dispatch']);
    expect(scalingCalls()).toEqual({
      autoScaling: [concurrency('tyrehero-dispatch-test-dispatch', 'live', 6, 30)],
      rds: [],
    });
    expect(published()).toEqual([]);
    expect((await stateItem())!.applied).toEqual({ intake: 'severe', dispatch: 'severe', database: 'severe' });
  });

  it('re-applies every target on request, for after a deploy has reset capacity to the template', async () => {
    await settleAtNormal();
    serve(clear);
    expect((await run({}, t0)).targets.changed).toEqual([]);
    const report = await run({ reconcile: true }, minutes(15));
    expect(report.targets.changed.map((c) => `${c.target}: ${c.fromCapacity} → ${c.toCapacity}`)).toEqual([
      'intake: provisioned concurrency 2–10 → provisioned concurrency 2–10',
      'dispatch: provisioned concurrency 1–5 → provisioned concurrency 1–5',
      'database: 2 min ACU → 2 min ACU',
    ]);
    expect(scalingCalls()).toEqual({
      autoScaling: [
        concurrency('tyrehero-dispatch-test-createEmergency', 'provisioned', 2, 10),
        concurrency('tyrehero-dispatch-test-dispatch', 'live', 1, 5),
      ],
      rds: [minAcu(2)],
    });
    expect(published()).toEqual([]);
  });

  it('lets only one of two overlapping runs act, so nothing is applied twice', async () => {
    await settleAtNormal();
    // Both runs have read the state before either writes: each waits at the forecast until the other has arrived.
    let arrived = 0;
    let release!: () => void;
    const bothHere = new Promise<void>((resolve) => (release = resolve));
    const inner = fixtureFetch(snow).fetch;
    served = async (url, init) => {
      if (++arrived === 2) release();
      await bothHere;
      return inner(url, init);
    };
    const reports = await Promise.all([run({}, t0), run({}, t0)]);

    expect(reports.map((r) => r.outcome).sort()).toEqual(['completed', 'skipped']);
    expect(scalingCalls().autoScaling).toHaveLength(2);
    expect(scalingCalls().rds).toHaveLength(1);
    expect(published()).toHaveLength(1);
    expect(await stateItem()).toMatchObject({ level: 'severe', version: 4 });
  });

  it('skips a run that starts while another is still applying capacity', async () => {
    await settleAtNormal();
    serve(snow);
    let release!: () => void;
    const applying = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const slowCallStarted = new Promise<void>((resolve) => (started = resolve));
    rds.on(ModifyDBClusterCommand).callsFake(async () => {
      started();
      await applying;
      return {};
    });
    const slow = run({}, t0);
    await slowCallStarted;
    const overlapping = await run({}, minutes(1));
    release();
    const finished = await slow;

    expect(overlapping).toMatchObject({ outcome: 'skipped', targets: { planned: [], changed: [] } });
    expect(finished).toMatchObject({ outcome: 'completed', decision: { kind: 'up' } });
    expect(scalingCalls().rds).toHaveLength(1);
    expect(await stateItem()).toMatchObject({ level: 'severe', applied: { database: 'severe' } });
  });
});

describe('surge mode (an operator’s capacity override) through weather scaling', () => {
  const surgeDeps = () => ({
    surges: stack.deps.surges,
    incidents: stack.deps.incidents,
    clock: { now: () => now },
    log: stack.deps.log,
  });

  it('raises capacity to the surge’s level in calm weather, keeps the weather level honest, and ends by itself', async () => {
    await settleAtNormal();
    resetCalls();
    // An open incident records the surge on its timeline.
    const incident = await stack.deps.incidents.openOrJoin({
      id: 'INC-20260112-061500',
      title: 'Storm surge in the queue',
      cause: 'manual:ops-1:surge-test',
      severity: 'P2',
      status: 'open',
      areas: [],
      customersAffected: 0,
      openedAt: minutes(5).toISOString(),
      paging: { level: 1, pages: 0 },
      alarms: [],
      timeline: [],
    });
    now = minutes(10);
    const started = await beginSurge(surgeDeps(), { hours: 2, reason: 'Match day at Wembley, M1 closed' }, 'ops-1');
    expect(started).toMatchObject({
      surge: { level: 'severe', until: minutes(130).toISOString(), by: 'ops-1' },
      capacity: 'weather scaling applies it at its next run',
      recordedOn: ['INC-20260112-061500'],
    });

    serve(clear);
    const during = await run({}, minutes(15));
    expect(during).toMatchObject({
      decision: { kind: 'hold', to: 'normal' },
      capacityLevel: 'severe',
      surge: { level: 'severe', by: 'ops-1', reason: 'Match day at Wembley, M1 closed' },
    });
    expect(scalingCalls()).toEqual({
      autoScaling: [
        concurrency('tyrehero-dispatch-test-createEmergency', 'provisioned', 12, 60),
        concurrency('tyrehero-dispatch-test-dispatch', 'live', 6, 30),
      ],
      rds: [minAcu(8)],
    });
    // The weather level intake's priorities read stays what the weather says.
    expect((await stateItem())!.level).toBe('normal');

    // Still in force an hour later: calm weather never lowers capacity under it.
    resetCalls();
    serve(clear);
    expect(await run({}, minutes(75))).toMatchObject({ capacityLevel: 'severe', targets: { planned: [] } });
    expect(scalingCalls()).toEqual({ autoScaling: [], rds: [] });

    // Past its end: the tick marks it ended (once), the timeline says so, and the next run lowers capacity at once.
    now = minutes(131);
    const ended = await settleSurge(surgeDeps());
    expect(ended?.surge.ended).toEqual({ at: minutes(130).toISOString(), by: 'system', reason: 'ended by itself' });
    expect(await settleSurge(surgeDeps())).toBeUndefined();
    const timeline = (await stack.deps.incidents.get(incident.incident.id))!.incident.timeline;
    expect(timeline.map((e) => [e.by, e.kind, e.text])).toEqual([
      [
        'ops-1',
        'surge',
        `surge mode (severe capacity) until ${minutes(130).toISOString()}: Match day at Wembley, M1 closed`,
      ],
      ['system', 'surge', `surge mode ended by itself at ${minutes(130).toISOString()}`],
    ]);
    resetCalls();
    serve(clear);
    expect(await run({}, minutes(135))).toMatchObject({ capacityLevel: 'normal' });
    expect(scalingCalls().rds).toEqual([minAcu(2)]);
    await expect(endSurge(surgeDeps(), 'ops-1', 'no longer needed')).rejects.toThrow('No surge is in force');
  });
});
