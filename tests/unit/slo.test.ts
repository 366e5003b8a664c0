import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchGatewaySloEvents } from '#shared/adapters/cloudwatch/gateway-slo-events.js';
import { burnRate, evaluateSlo, serviceSlos, type SloSpec, type WindowCounts } from '#shared/domain/slo.js';
import { evaluateSlos, sloMetrics } from '#functions/operations/slos.js';

const availability: SloSpec = { name: 'availability', title: 'Availability', objective: 0.999, good: 'not 5xx' };
const steady = (good: number, total: number): WindowCounts =>
  Object.fromEntries(['5m', '30m', '1h', '6h', '3d', '30d'].map((w) => [w, { good, total }]));

describe('burn rates and budgets (the SRE workbook: 14.4× over 1 h and 5 min pages, 6× over 6 h and 30 min pages, 1× over 3 days and 6 h warns)', () => {
  it('burns at 1× when bad events are exactly the share the objective allows', () => {
    expect(burnRate({ good: 999, total: 1000 }, 0.999)).toBeCloseTo(1, 10);
    expect(burnRate({ good: 0, total: 0 }, 0.999)).toBe(0);
    // A source that counts more good than total (late data) never makes a negative burn.
    expect(burnRate({ good: 12, total: 10 }, 0.999)).toBe(0);
  });

  it('keeps quiet with the budget on course, and says what is left of it', () => {
    const e = evaluateSlo(availability, steady(99_950, 100_000));
    expect(e).toMatchObject({ alert: 'none', firing: [], budgetRemaining: 0.5, attainment: 0.9995 });
    expect(e.burnRates).toEqual({ '5m': 0.5, '30m': 0.5, '1h': 0.5, '6h': 0.5, '3d': 0.5 });
  });

  it('pages on a fast burn only while the short window agrees (a fixed outage stops paging within minutes)', () => {
    // 2 % failing for the last hour: 20× over 1 h.
    const burning: WindowCounts = {
      ...steady(99_990, 100_000),
      '1h': { good: 980, total: 1000 },
      '5m': { good: 98, total: 100 },
    };
    expect(evaluateSlo(availability, burning)).toMatchObject({
      alert: 'page',
      firing: ['Availability: budget burning 20× over 1h and 20× over 5m (page at 14.4×)'],
    });
    const fixed = { ...burning, '5m': { good: 100, total: 100 } };
    expect(evaluateSlo(availability, fixed).alert).toBe('none');
  });

  it('warns on a slow burn that would spend the budget before the month is out', () => {
    const slow: WindowCounts = {
      ...steady(99_990, 100_000),
      '3d': { good: 99_800, total: 100_000 },
      '6h': { good: 9_980, total: 10_000 },
    };
    expect(evaluateSlo(availability, slow)).toMatchObject({
      alert: 'warn',
      firing: ['Availability: budget burning 2× over 3d and 2× over 6h (warn at 1×)'],
    });
  });

  it('has no budget figure with nothing to judge in 30 days, rather than a made-up 100 %', () => {
    expect(evaluateSlo(availability, steady(0, 0))).toMatchObject({
      budgetRemaining: null,
      attainment: null,
      alert: 'none',
    });
  });

  it('names one metric per SLO and window, and the budget in percent', () => {
    const status = {
      at: '2026-12-06T09:00:00.000Z',
      slos: [evaluateSlo(availability, steady(99_950, 100_000))],
      unavailable: [],
    };
    expect(sloMetrics(status)).toEqual([
      { name: 'SloAvailabilityBurnRate5m', unit: 'None', value: 0.5 },
      { name: 'SloAvailabilityBurnRate30m', unit: 'None', value: 0.5 },
      { name: 'SloAvailabilityBurnRate1h', unit: 'None', value: 0.5 },
      { name: 'SloAvailabilityBurnRate6h', unit: 'None', value: 0.5 },
      { name: 'SloAvailabilityBurnRate3d', unit: 'None', value: 0.5 },
      { name: 'SloAvailabilityBudgetRemainingPercent', unit: 'Percent', value: 50 },
    ]);
  });
});

describe("the gateway's events from CloudWatch", () => {
  const cloudwatch = mockClient(CloudWatchClient);
  afterEach(() => cloudwatch.reset());
  const now = new Date('2026-12-06T09:00:42Z');

  it('reads requests, 5xx and latency within the threshold by the minute for 6 hours and by the hour for 30 days', async () => {
    const minute = (m: number) => new Date(Date.parse('2026-12-06T09:00:00Z') - m * 60_000);
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: { MetricDataQueries: Array<{ MetricStat: { Period: number } }> }) => {
        const byMinute = input.MetricDataQueries[0]!.MetricStat.Period === 60;
        // By the minute: 100 requests a minute, 1 failing and 90 fast, in the 3 minutes before 09:00 and 40 minutes before.
        // By the hour: 6,000 requests an hour, 6 failing, 5,700 fast, for 100 hours.
        const stamps = byMinute
          ? [minute(1), minute(2), minute(3), minute(40)]
          : Array.from({ length: 100 }, (_, h) => minute(60 * (h + 1)));
        const value = (id: string) =>
          byMinute
            ? { requests: 100, errors: 1, latencyAll: 100, latencyGood: 90 }[id]!
            : { requests: 6000, errors: 6, latencyAll: 6000, latencyGood: 5700 }[id]!;
        return {
          MetricDataResults: ['requests', 'errors', 'latencyAll', 'latencyGood'].map((Id) => ({
            Id,
            Timestamps: stamps,
            Values: stamps.map(() => value(Id)),
          })),
        };
      });
    const counts = await new CloudWatchGatewaySloEvents(
      new CloudWatchClient({ region: 'eu-west-2' }),
      'prod-tyrehero-dispatch',
      500,
    ).counts(now);

    const calls = cloudwatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    const queries = (period: number) =>
      [
        ['requests', 'Count', 'Sum'],
        ['errors', '5XXError', 'Sum'],
        ['latencyAll', 'Latency', 'SampleCount'],
        ['latencyGood', 'Latency', 'TC(:500)'],
      ].map(([Id, MetricName, Stat]) => ({
        Id,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApiGateway',
            MetricName,
            Dimensions: [{ Name: 'ApiName', Value: 'prod-tyrehero-dispatch' }],
          },
          Period: period,
          Stat,
        },
      }));
    expect(calls).toEqual([
      {
        StartTime: new Date('2026-12-06T03:00:00Z'),
        EndTime: new Date('2026-12-06T09:00:00Z'),
        MetricDataQueries: queries(60),
      },
      {
        StartTime: new Date('2026-11-06T09:00:00Z'),
        EndTime: new Date('2026-12-06T09:00:00Z'),
        MetricDataQueries: queries(3600),
      },
    ]);
    // 5 min: 3 minutes of data; 30 min the same; 1 h and 6 h: 4 minutes. 3 d: 72 hours; 30 d: all 100.
    expect(counts.availability).toEqual({
      '5m': { good: 297, total: 300 },
      '30m': { good: 297, total: 300 },
      '1h': { good: 396, total: 400 },
      '6h': { good: 396, total: 400 },
      '3d': { good: 72 * 5994, total: 72 * 6000 },
      '30d': { good: 100 * 5994, total: 100 * 6000 },
    });
    expect(counts.latency!['5m']).toEqual({ good: 270, total: 300 });
    expect(counts.latency!['30d']).toEqual({ good: 570_000, total: 600_000 });
  });

  it('leaves the gateway SLOs out, saying why, when CloudWatch cannot be read, and still judges the promise', async () => {
    cloudwatch.on(GetMetricDataCommand).rejects(new Error('connect ETIMEDOUT monitoring.eu-west-2.amazonaws.com'));
    const status = await evaluateSlos(
      {
        metricsStore: {
          responseWindow: () => Promise.resolve({ arrived: 10, arrivedWithinSla: 10, missedUnarrived: 0 }),
        },
        gateway: new CloudWatchGatewaySloEvents(
          new CloudWatchClient({ region: 'eu-west-2' }),
          'prod-tyrehero-dispatch',
          500,
        ),
        slos: { objectives: { availability: 0.999, promise: 0.95, latency: 0.95, latencyMs: 500 } },
      },
      now,
    );
    expect(status.slos.map((s) => [s.name, s.budgetRemaining])).toEqual([['promise', 1]]);
    expect(status.unavailable).toEqual([
      {
        slo: 'availability',
        reason: 'CloudWatch could not be read: connect ETIMEDOUT monitoring.eu-west-2.amazonaws.com',
      },
      { slo: 'latency', reason: 'CloudWatch could not be read: connect ETIMEDOUT monitoring.eu-west-2.amazonaws.com' },
    ]);
    expect(
      serviceSlos({ availability: 0.999, promise: 0.95, latency: 0.95, latencyMs: 500 }).map((s) => s.title),
    ).toEqual(['Availability', '90-minute promise', 'Latency (p95 ≤ 500 ms)']);
  });
});
