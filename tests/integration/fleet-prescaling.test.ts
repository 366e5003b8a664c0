// Issue 28 part 4: weather scaling works out the vans each region needs, keeps it for the live view, alerts once.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeHandler } from '#functions/weather-scaling/scale.js';
import { liveMap } from '#functions/operations/read-live-map.js';
import type { WeatherScalingReport } from '#functions/weather-scaling/weather-scaling.js';
import { makeDocumentClient } from '#shared/adapters/dynamodb/client.js';
import { DynamoFleetNeedsStore } from '#shared/adapters/dynamodb/weather-level.js';
import { vansNeeded } from '#shared/domain/fleet-needs.js';
import type { FetchLike } from '#shared/adapters/weather/http.js';
import { metrics } from '#shared/powertools/metrics.js';
import { ran } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import { fixtureFetch } from '../support/weather.js';

const topic = 'arn:aws:sns:eu-west-2:123456789012:tyrehero-dispatch-test-ops-alerts';
const sns = mockClient(SNSClient);
// London and the South East snow from 09:00 (the fixture weather scaling's own tests use).
const t0 = new Date('2026-01-12T06:10:00Z');
let now = t0;
const served: FetchLike = fixtureFetch({ status: 200, fixture: 'open-meteo/snow-london-south-east.json' }).fetch;
let stack: TestStack;
let handler: ReturnType<typeof makeHandler>;

beforeAll(async () => {
  stack = await testStack({
    env: { WEATHER_PROVIDER: 'open-meteo', WEATHER_RETRY_BASE_MS: '0', NOTIFIER: 'sns', OPS_ALERTS_TOPIC_ARN: topic },
    overrides: { clock: { now: () => now }, fetch: (url, init) => served(url, init) },
  });
  const documents = makeDocumentClient(stack.deps.dynamo);
  handler = makeHandler({
    ...stack.deps,
    prescaling: {
      fleet: stack.deps.technicians,
      needs: new DynamoFleetNeedsStore(documents, stack.config.tables.scalingState),
    },
  });
  // Three vans on shift in London (one on a break counts; an offline one does not), one in Leeds.
  for (const [id, lat, lon, status] of [
    ['ldn-1', 51.51, -0.12, 'available'],
    ['ldn-2', 51.48, -0.2, 'available'],
    ['ldn-3', 51.55, -0.05, 'on_break'],
    ['ldn-off', 51.5, -0.1, 'offline'],
    ['lds-1', 53.8, -1.55, 'available'],
  ] as const) {
    await stack.deps.technicians.recordLocation(id, { location: { lat, lon }, recordedAt: t0 });
    await stack.deps.technicians.setAvailability(id, status);
  }
});
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});
afterAll(() => stack.close());

const run = async (at: Date): Promise<WeatherScalingReport> => {
  now = at;
  return ran(await handler({}, {} as never));
};
const fleetAlerts = () =>
  sns
    .commandCalls(PublishCommand)
    .map((c) => c.args[0].input)
    .filter((m) => m.Subject?.startsWith('TyreHero fleet:'));

describe('pre-scaling the fleet in weather scaling', () => {
  it('works out the vans each region needs against those on shift, and alerts operations about the weather-made shortfall', async () => {
    const addMetric = vi.spyOn(metrics, 'singleMetric');
    const report = await run(t0);
    const london = report.fleetNeeds!.find((r) => r.region === 'London')!;
    const leeds = report.fleetNeeds!.find((r) => r.region === 'Leeds')!;
    expect(london.onShift).toBe(3);
    expect(leeds.onShift).toBe(1);
    // 06:00 to 12:00 (the hours starting within the rules' 6-hour lookahead); snow from 09:00 multiplies calls by 4.
    expect(london.needed).toHaveLength(7);
    expect(london.needed[3]!).toBeGreaterThan(london.needed[2]! * 2);
    const more = Math.max(...london.needed.slice(3)) - 3;
    expect(london.shortfall).toEqual({
      more,
      from: new Date('2026-01-12T09:00:00Z'),
      to: new Date('2026-01-12T13:00:00Z'),
    });
    expect(london.alert).toBe(`London needs ${more} more vans from 09:00`);
    // Leeds (and London before 09:00) has fewer vans than calls too, but on a calm forecast: a rota problem, not
    // pre-scaling's, so no alert and no earlier "from".
    expect(leeds.needed.some((n) => n > 1)).toBe(true);
    expect(leeds.shortfall).toBeUndefined();
    expect(vansNeeded(0)).toBe(0);

    // One alert per region the weather leaves short (the fixture also freezes Birmingham from 08:00), London's among them.
    const short = report.fleetNeeds!.filter((r) => r.shortfall);
    expect(short.map((r) => r.region).sort()).toEqual(['Birmingham', 'London', 'South East']);
    expect(fleetAlerts().map((m) => m.Subject)).toEqual(short.map((r) => `TyreHero fleet: ${r.alert!}`));
    expect(fleetAlerts().map((m) => m.Subject)).toContain(`TyreHero fleet: London needs ${more} more vans from 09:00`);
    expect(report.alerts.filter((a) => a === 'fleet-shortfall')).toHaveLength(3);
    // One VansShort figure per region, the shortfall where there is one.
    expect(addMetric).toHaveBeenCalledTimes(report.fleetNeeds!.length);
  });

  it('alerts once per region and window: the next run sees the same shortfall and stays quiet', async () => {
    const report = await run(new Date(t0.getTime() + 15 * 60_000));
    expect(report.fleetNeeds!.find((r) => r.region === 'London')!.shortfall?.from).toEqual(
      new Date('2026-01-12T09:00:00Z'),
    );
    expect(fleetAlerts()).toEqual([]);
    expect(report.alerts).not.toContain('fleet-shortfall');
  });

  it('shows the live view what weather scaling worked out', async () => {
    const view = await liveMap({ ...stack.deps, clock: { now: () => now } });
    const london = view.fleetNeeds!.regions.find((r) => r.region === 'London')!;
    expect(view.fleetNeeds!.at).toBe(new Date(t0.getTime() + 15 * 60_000).toISOString());
    expect(london).toMatchObject({
      onShift: 3,
      shortfall: { from: '2026-01-12T09:00:00.000Z', to: '2026-01-12T13:00:00.000Z' },
      alert: expect.stringMatching(/^London needs \d+ more vans from 09:00$/),
    });
  });
});
