// The gateway's side of the SLOs, as CloudWatch has it for the REST API: requests, 5xx answers, and how many were
// answered within the latency threshold (the Latency metric's trimmed count up to it). Two reads a run: by the minute
// for the windows up to 6 hours, by the hour for 3 and 30 days.
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { windowMinutes, type BurnWindow, type SloName, type WindowCounts } from '#shared/domain/slo.js';
import type { SloEventSource } from '#shared/ports/slo.js';

const minuteWindows: BurnWindow[] = ['5m', '30m', '1h', '6h'];
const hourWindows: Array<BurnWindow | '30d'> = ['3d', '30d'];

export class CloudWatchGatewaySloEvents implements SloEventSource {
  constructor(
    private readonly cloudwatch: CloudWatchClient,
    private readonly apiName: string,
    private readonly latencyThresholdMs: number,
  ) {}

  async counts(now: Date): Promise<Partial<Record<SloName, WindowCounts>>> {
    const minuteEnd = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    const hourEnd = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
    const [byMinute, byHour] = await Promise.all([
      this.read(minuteEnd, windowMinutes['6h'], 60),
      this.read(hourEnd, windowMinutes['30d'], 3600),
    ]);
    const availability: WindowCounts = {};
    const latency: WindowCounts = {};
    const fill = (results: MetricDataResult[], end: Date, windows: Array<BurnWindow | '30d'>) => {
      for (const w of windows) {
        const since = end.getTime() - windowMinutes[w] * 60_000;
        const sum = (id: string) => {
          const r = results.find((x) => x.Id === id);
          let total = 0;
          (r?.Timestamps ?? []).forEach((t, i) => {
            if (t.getTime() >= since) total += r!.Values![i] ?? 0;
          });
          return total;
        };
        const requests = sum('requests');
        availability[w] = { total: requests, good: requests - sum('errors') };
        latency[w] = { total: sum('latencyAll'), good: sum('latencyGood') };
      }
    };
    fill(byMinute, minuteEnd, minuteWindows);
    fill(byHour, hourEnd, hourWindows);
    return { availability, latency };
  }

  private async read(end: Date, minutes: number, period: number): Promise<MetricDataResult[]> {
    const metric = (id: string, name: string, stat: string) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/ApiGateway',
          MetricName: name,
          Dimensions: [{ Name: 'ApiName', Value: this.apiName }],
        },
        Period: period,
        Stat: stat,
      },
    });
    const results: MetricDataResult[] = [];
    let token: string | undefined;
    do {
      const page = await this.cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(end.getTime() - minutes * 60_000),
          EndTime: end,
          MetricDataQueries: [
            metric('requests', 'Count', 'Sum'),
            metric('errors', '5XXError', 'Sum'),
            metric('latencyAll', 'Latency', 'SampleCount'),
            metric('latencyGood', 'Latency', `TC(:${this.latencyThresholdMs})`),
          ],
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const r of page.MetricDataResults ?? []) {
        const seen = results.find((x) => x.Id === r.Id);
        if (seen) {
          seen.Timestamps = [...(seen.Timestamps ?? []), ...(r.Timestamps ?? [])];
          seen.Values = [...(seen.Values ?? []), ...(r.Values ?? [])];
        } else results.push({ ...r });
      }
      token = page.NextToken;
    } while (token);
    return results;
  }
}
