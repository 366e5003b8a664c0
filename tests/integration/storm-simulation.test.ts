import { inject, describe, expect, it } from 'vitest';
import { runScenarios, simSizes, type PolicyName } from '../../scripts/simulate/scenarios.js';
import { renderChart, renderTable } from '../../scripts/simulate/report.js';

// npm run simulate at smoke size: two hours of a snowy afternoon in Leeds, the real use cases on the embedded engines.
// Its figures mean little; what it proves is that the simulation runs, accounts for every call, repeats exactly, and
// never reports a policy above the bound that is meant to limit every policy.
const engines = () => ({ pgServerUrl: inject('pgServerUrl'), dynamodbEndpoint: inject('dynamodbEndpoint') });
const run = (policies: PolicyName[] = ['greedy', 'batched', 'batched+prescaling']) =>
  runScenarios(
    engines(),
    {
      size: simSizes.smoke,
      mode: 'quick',
      seed: 7,
      windows: [],
      scenarios: ['storm'],
      ...(policies ? { policies } : {}),
    },
    () => {},
  );

describe('storm-day simulation (smoke size)', () => {
  it('drives every policy through the day, within the bound, and repeats exactly with the same seed', async () => {
    const first = await run();
    const storm = first.scenarios[0]!;
    expect(storm.name).toBe('storm');
    expect(storm.calls).toBeGreaterThanOrEqual(5);
    expect(storm.policies.map((p) => p.name)).toEqual(['greedy', 'batched', 'batched+prescaling']);
    for (const p of storm.policies) {
      expect(p.calls, p.name).toBe(storm.calls);
      // Every call is reached on time, late, or never: nothing is lost between intake and the figures.
      expect(p.slaBreaches, p.name).toBe(Math.round(p.calls * (1 - p.slaCompliance)));
      expect(p.neverServed, p.name).toBeLessThanOrEqual(p.slaBreaches);
      expect(p.slaCompliance, p.name).toBeLessThanOrEqual(storm.bound.slaCompliance + 1e-9);
      expect(p.utilisation, p.name).toBeGreaterThan(0);
      expect(p.backlogEvery10Minutes.length, p.name).toBeGreaterThan(10);
    }
    // Snow in Leeds: weather scaling's alert asks for vans, and they are called in.
    expect(storm.policies[2]!.alerts?.[0]).toMatch(/^Leeds needs \d+ more vans? from \d\d:00$/);
    expect(renderTable(first)).toContain('| storm | greedy |');
    expect(renderChart(storm, simSizes.smoke.hours, simSizes.smoke.drainHours)).toMatch(/^<svg[\s\S]*<\/svg>\n$/);

    const again = await run(['batched']);
    const outcome = (p: (typeof storm.policies)[number]) => [
      p.slaBreaches,
      p.p1Compliance,
      p.peakBacklog,
      p.worstWaitMinutes,
      p.backlogEvery10Minutes,
    ];
    expect(outcome(again.scenarios[0]!.policies[0]!)).toEqual(outcome(storm.policies[1]!));
  }, 300_000);
});
