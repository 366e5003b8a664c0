// The scenarios (calm, storm) and policies (greedy, batched, batched with pre-scaling) of a simulated day, and the bound.
import os from 'node:os';
import path from 'node:path';
import { isolatedConfig, type SharedEngines } from '../local/isolated.js';
import { projectRoot } from '../local/engines.js';
import { forecastCalls, regionFleetNeed } from '#shared/domain/fleet-needs.js';
import type { WeatherLevel } from '#shared/domain/priority.js';
import { defaultBatchWeights, type BatchWeights } from '#shared/domain/batch-assignment.js';
import { hindsightBound } from './bound.js';
import { simulateDay, type DayPlan } from './day.js';
import {
  breakdowns,
  fleet,
  forecastsFrom,
  levelsByHour,
  loadWeatherFixture,
  seededRandom,
  technician,
  type SimRegion,
  type SimTechnician,
} from './model.js';
import { figuresOf, type PolicyFigures, type ScenarioFigures, type SimResults } from './report.js';

export interface SimSize {
  regions: readonly SimRegion[];
  hours: { from: number; to: number };
  drainHours: number;
  /** Run calm with pre-scaling too (it calls nobody in on a calm day, so it is the batched run again). */
  windowSeconds: number;
  fixEveryMinutes: number;
}

const leeds = { name: 'Leeds', centre: { lat: 53.8008, lon: -1.5491 } };
const manchester = { name: 'Manchester', centre: { lat: 53.4808, lon: -2.2426 } };

/**
 * Full: a whole day in Leeds and Manchester, the two regions the storm fixture snows on (a calm region beside them only
 * slows the run: nobody drives 260 km to London). Quick: their afternoon, the storm's worst hours. Smoke: two hours.
 */
export const simSizes = {
  full: {
    regions: [
      { ...leeds, callsPerDay: 60 },
      { ...manchester, callsPerDay: 70 },
    ],
    hours: { from: 0, to: 24 },
    drainHours: 3,
    windowSeconds: 60,
    fixEveryMinutes: 5,
  },
  quick: {
    regions: [
      { ...leeds, callsPerDay: 60 },
      { ...manchester, callsPerDay: 70 },
    ],
    hours: { from: 11, to: 18 },
    drainHours: 2,
    windowSeconds: 60,
    fixEveryMinutes: 5,
  },
  smoke: {
    regions: [{ ...leeds, callsPerDay: 40 }],
    hours: { from: 16, to: 17 },
    drainHours: 1,
    windowSeconds: 60,
    fixEveryMinutes: 5,
  },
} satisfies Record<string, SimSize>;

export type PolicyName = 'greedy' | 'batched' | 'batched-no-late' | 'batched+prescaling';

export interface SimOptions {
  size: SimSize;
  mode: 'full' | 'quick';
  seed: number;
  /** Batched windows (seconds) to compare on the storm day, besides the size's own. */
  windows: number[];
  /** Days simulated at once (each on its own database and tables); 1 runs them one after another. */
  concurrency?: number;
  /** Scenario names to run (default both). */
  scenarios?: ('calm' | 'storm')[];
  batchWeights?: BatchWeights;
  /** Policies to run (default all three). */
  policies?: PolicyName[];
  weatherFixture?: string;
}

export async function runScenarios(
  engines: SharedEngines,
  options: SimOptions,
  log: (m: string) => void,
): Promise<SimResults> {
  // The service's settings as a stage reads them (weather rules, SLA, ETA model); each day gets its own database later.
  const config = await isolatedConfig(engines);
  const fixture = loadWeatherFixture(
    options.weatherFixture ?? path.join(projectRoot, 'scripts/simulate/storm-day.json'),
  );
  const dayStart = new Date(fixture.day);
  const { size, seed } = options;
  const rules = config.weather.rules;
  const regionNames = size.regions.map((r) => r.name);
  const weatherRegions = size.regions.map((r) => ({
    name: r.name,
    lat: r.centre.lat,
    lon: r.centre.lon,
    demandWeight: r.callsPerDay,
  }));
  const baseFleet = fleet(seed + 1, size.regions);
  const results: SimResults = {
    mode: options.mode,
    seed,
    startedAt: new Date().toISOString(),
    durationSeconds: 0,
    machine: {
      cores: os.cpus().length,
      node: process.version,
      loadAverageAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
    },
    setup: {
      day: fixture.day,
      hours: size.hours,
      drainHours: size.drainHours,
      regions: size.regions,
      technicians: baseFleet.length,
      windowSeconds: size.windowSeconds,
      fixEveryMinutes: size.fixEveryMinutes,
      declineShare: 0.1,
      stormMultiplier: rules.demandMultiplier,
    },
    scenarios: [],
  };

  // Every day is planned first and then run, `concurrency` at a time: each has its own database and tables and its own
  // clock, so its outcome is the same whatever runs beside it (only the intake's wall-clock figures feel the company).
  const days: { scenario: string; name: string; plan: DayPlan; result?: PolicyFigures }[] = [];
  const planned: {
    scenario: 'calm' | 'storm';
    calls: number;
    bound: ScenarioFigures['bound'];
    calledIn: number;
    alerts: string[];
    prescaledBound?: number;
  }[] = [];
  for (const scenario of options.scenarios ?? (['calm', 'storm'] as const)) {
    const forecasts = forecastsFrom(scenario === 'storm' ? fixture : undefined, regionNames, dayStart, 48);
    const levels = levelsByHour(forecasts, rules);
    const calls = breakdowns(
      seed,
      size.regions,
      dayStart,
      size.hours,
      scenario === 'storm' ? levels : undefined,
      rules.demandMultiplier,
    );
    const { vans: calledIn, alerts } = preScale(size, baseFleet, levels, rules.demandMultiplier, dayStart, seed);
    log(
      `${scenario}: ${calls.length} calls, ${baseFleet.length} technicians${calledIn.length ? `; pre-scaling: ${alerts.join('; ')}` : ''}`,
    );
    const plan = (
      policy: 'greedy' | 'batched',
      label: string,
      technicians: readonly SimTechnician[],
      windowSeconds = size.windowSeconds,
    ): DayPlan => ({
      scenario,
      policy,
      label,
      seed,
      dayStart,
      hours: size.hours,
      drainHours: size.drainHours,
      calls,
      technicians,
      forecasts,
      regions: weatherRegions,
      windowSeconds,
      fixEveryMinutes: size.fixEveryMinutes,
      declineShare: 0.1,
      ...(options.batchWeights ? { batchWeights: options.batchWeights } : {}),
      progress: log,
    });
    const bounds = async (technicians: readonly SimTechnician[]) =>
      hindsightBound({
        calls,
        technicians,
        regions: weatherRegions,
        dayStart,
        startAt: dayStart.getTime() + size.hours.from * 3_600_000,
        endAt: dayStart.getTime() + (size.hours.to + size.drainHours) * 3_600_000,
        slaMinutes: config.intake.slaMinutes,
        mobilisationMinutes: config.dispatch.eta.mobilisationMinutes,
        eta: config.dispatch.eta,
      });
    const bound = await bounds(baseFleet);
    log(
      `${scenario}: hindsight bound ${(bound.slaCompliance * 100).toFixed(1)} % (${bound.constraints} constraints, ${bound.solveMs} ms)`,
    );
    const wanted = (name: PolicyName) => !options.policies || options.policies.includes(name);
    for (const policy of (['greedy', 'batched'] as const).filter(wanted))
      days.push({ scenario, name: policy, plan: plan(policy, policy, baseFleet) });
    // The decomposition: batched matching with greedy's rule of never serving a request that cannot make it.
    // Only when asked for (policies), not in the default run.
    if (scenario === 'storm' && options.policies?.includes('batched-no-late'))
      days.push({
        scenario,
        name: 'batched-no-late',
        plan: {
          ...plan('batched', 'batched-no-late', baseFleet),
          batchWeights: { ...(options.batchWeights ?? defaultBatchWeights), serveLate: false },
        },
      });
    const entry: (typeof planned)[number] = { scenario, calls: calls.length, bound, calledIn: calledIn.length, alerts };
    if (calledIn.length && wanted('batched+prescaling')) {
      const prescaled = [...baseFleet, ...calledIn];
      days.push({ scenario, name: 'batched+prescaling', plan: plan('batched', 'batched+prescaling', prescaled) });
      entry.prescaledBound = (await bounds(prescaled)).slaCompliance;
    }
    planned.push(entry);
    if (scenario === 'storm')
      for (const windowSeconds of options.windows.filter((w) => w !== size.windowSeconds))
        days.push({
          scenario,
          name: `batched@${windowSeconds}s`,
          plan: plan('batched', `batched@${windowSeconds}s`, baseFleet, windowSeconds),
        });
  }

  let next = 0;
  const worker = async () => {
    for (let day = days[next++]; day; day = days[next++])
      day.result = figuresOf(day.name, await simulateDay(engines, day.plan), size.hours, dayStart);
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));

  for (const entry of planned) {
    const mine = days.filter((d) => d.scenario === entry.scenario);
    const policies = mine.filter((d) => !d.name.startsWith('batched@')).map((d) => d.result!);
    const prescaled = policies.find((p) => p.name === 'batched+prescaling');
    if (prescaled && entry.prescaledBound !== undefined) {
      const withBound = entry.prescaledBound;
      Object.assign(prescaled, { calledIn: entry.calledIn, alerts: entry.alerts });
      entry.bound.withPrescaling = withBound;
      // Measured against the bound of its own fleet, the called-in vans included.
      prescaled.fractionOfBound = Math.round((prescaled.slaCompliance / withBound) * 1000) / 1000;
    }
    for (const p of policies)
      if (p.name !== 'batched+prescaling')
        p.fractionOfBound = entry.bound.slaCompliance
          ? Math.round((p.slaCompliance / entry.bound.slaCompliance) * 1000) / 1000
          : 1;
    results.scenarios.push({
      name: entry.scenario,
      calls: entry.calls,
      policies,
      bound: entry.bound,
    } satisfies ScenarioFigures);
    for (const d of mine.filter((d) => d.name.startsWith('batched@')))
      (results.windows ??= []).push({
        windowSeconds: d.plan.windowSeconds,
        slaCompliance: d.result!.slaCompliance,
        slaBreaches: d.result!.slaBreaches,
        p1Compliance: d.result!.p1Compliance,
      });
  }
  const batchedStorm = results.scenarios.find((s) => s.name === 'storm')?.policies.find((p) => p.name === 'batched');
  if (batchedStorm && results.windows)
    results.windows.push({
      windowSeconds: size.windowSeconds,
      slaCompliance: batchedStorm.slaCompliance,
      slaBreaches: batchedStorm.slaBreaches,
      p1Compliance: batchedStorm.p1Compliance,
    });
  results.windows?.sort((a, b) => a.windowSeconds - b.windowSeconds);
  return results;
}

/**
 * Pre-scaling as weather scaling computes it (shared/domain/fleet-needs.ts): per region, the calls the forecast
 * brings each hour against the vans rostered that hour; where it falls short, that many vans are called in from an
 * hour before the shortfall to its end (a van needs the hour to get on the road).
 */
function preScale(
  size: SimSize,
  roster: readonly SimTechnician[],
  levels: Map<string, WeatherLevel[]>,
  multiplier: Record<Exclude<WeatherLevel, 'normal'>, number>,
  dayStart: Date,
  seed: number,
): { vans: SimTechnician[]; alerts: string[] } {
  const random = seededRandom(seed + 7);
  const vans: SimTechnician[] = [];
  const alerts: string[] = [];
  for (const region of size.regions) {
    const hours = Array.from({ length: 24 }, (_, h) => ({
      at: new Date(dayStart.getTime() + h * 3_600_000),
      level: levels.get(region.name)?.[h] ?? 'normal',
    }));
    const calls = forecastCalls(region.callsPerDay, hours, multiplier);
    const rostered = hours.map(
      (_, h) => roster.filter((t) => t.region === region.name && t.shiftStart <= h && h < t.shiftEnd).length,
    );
    // The same computation weather scaling publishes (functions/weather-scaling/fleet-needs.ts), on the roster.
    const need = regionFleetNeed(
      region.name,
      hours.map((h, i) => ({ ...h, calls: calls[i]! })),
      rostered,
    );
    if (!need.shortfall) continue;
    alerts.push(need.alert!);
    const fromHour = (need.shortfall.from.getTime() - dayStart.getTime()) / 3_600_000;
    const toHour = (need.shortfall.to.getTime() - dayStart.getTime()) / 3_600_000 - 1;
    for (let i = 0; i < need.shortfall.more; i++)
      vans.push(technician(random, region, i, Math.max(0, fromHour - 1), toHour + 1, true));
  }
  return { vans, alerts };
}
