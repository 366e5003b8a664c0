// Raises capacity before forecast bad weather and lowers it safely afterwards; one run of the scheduled job.
import type { WeatherLevel } from '#shared/domain/priority.js';
import {
  assessForecast,
  describeReason,
  type RegionAssessment,
  type ServiceRegion,
  type WeatherAssessment,
  type WeatherRules,
} from '#shared/domain/weather.js';
import {
  capacityFor,
  describeCapacity,
  nextScaleState,
  type ScalePolicy,
  type ScalingTarget,
  type Transition,
} from '#shared/domain/weather-scaling.js';
import type { Clock, IdGenerator } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import type { Notifier } from '#shared/ports/notifier.js';
import type { Scaler } from '#shared/ports/scaler.js';
import type { RegionSummary, ScaleStateStore } from '#shared/ports/weather-level.js';
import type { WeatherProvider } from '#shared/ports/weather-provider.js';
import { notify } from '#shared/ports/notifier.js';
import type { FleetReader } from '#shared/ports/live-map.js';
import type { FleetNeedsStore } from '#shared/ports/weather-level.js';
import type { RegionForecast } from '#shared/domain/weather.js';
import { fleetNeeds } from './fleet-needs.js';
import type { RegionFleetNeed } from '#shared/domain/fleet-needs.js';
import { formatUkTime } from '#shared/domain/uk-day.js';
import { activeSurge, capacityLevel } from '#shared/domain/surge.js';
import type { SurgeStore } from '#shared/ports/surge.js';

export interface WeatherScalingDeps {
  /** Surge mode (an operator's override): capacity never below its level while it lasts. Absent: no surges. */
  surges?: Pick<SurgeStore, 'latest'>;
  weatherProvider: WeatherProvider;
  scalingState: ScaleStateStore;
  scaler: Scaler;
  notifier: Notifier;
  clock: Clock;
  ids: IdGenerator;
  log: Log;
  /**
   * Pre-scaling the fleet: who is on shift now, and where the vans each region needs are kept and alerted once.
   * Absent: capacity only, as before (the simulation's and tests' older compositions).
   */
  prescaling?: { fleet: Pick<FleetReader, 'listFleet'>; needs: FleetNeedsStore };
  weatherScaling: {
    /** A calm day's calls nationally; each region's share is its demand weight (shared/domain/fleet-needs.ts). */
    callsPerDay?: number;
    regions: ServiceRegion[];
    rules: WeatherRules;
    policy: ScalePolicy;
    targets: ScalingTarget[];
    failureAlertAfter: number;
    runLeaseSeconds: number;
  };
}

export interface TargetChange {
  target: string;
  /** The level the target was last set to; absent the first time the job touches it. */
  from?: WeatherLevel;
  to: WeatherLevel;
  fromCapacity?: string;
  toCapacity: string;
  error?: string;
}

export interface WeatherScalingReport {
  runId: string;
  outcome: 'completed' | 'dry-run' | 'skipped';
  skippedBecause?: string;
  forecast: {
    provider: string;
    available: boolean;
    problem?: string;
    level?: WeatherLevel;
    demandMultiplier?: number;
    leadMinutes?: number;
    regions: RegionSummary[];
  };
  decision: Pick<Transition, 'kind' | 'from' | 'to' | 'why'>;
  /** The surge in force, when it sets capacity above the weather's level (or holds it there). */
  surge?: { level: string; until: string; by: string; reason: string };
  /** The level capacity is set to: the weather's, or the surge's where higher. */
  capacityLevel: WeatherLevel;
  state: { level: WeatherLevel; since: Date; clearRuns: number; fetchFailures: number; version: number };
  targets: {
    /** What a dry run would do, or what this run set out to do. */
    planned: TargetChange[];
    changed: TargetChange[];
    failed: TargetChange[];
    unchanged: string[];
  };
  alerts: Array<'weather-level-change' | 'forecast-unavailable' | 'fleet-shortfall'>;
  /** The vans each region needs for the forecast hours, against those on shift now; absent without a forecast. */
  fleetNeeds?: RegionFleetNeed[];
}

type Forecast =
  { ok: true; assessment: WeatherAssessment; forecasts: RegionForecast[] } | { ok: false; problem: string };

async function forecast(deps: WeatherScalingDeps, now: Date): Promise<Forecast> {
  const { regions, rules } = deps.weatherScaling;
  try {
    const forecasts = await deps.weatherProvider.hourlyForecasts(regions, now, rules.lookaheadHours);
    const assessment = assessForecast(regions, forecasts, now, rules);
    if (assessment.missing.length)
      return { ok: false, problem: `no forecast hours ahead for ${assessment.missing.join(', ')}` };
    return { ok: true, assessment, forecasts };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

const summarise = (regions: RegionAssessment[]): RegionSummary[] =>
  regions
    .filter((r) => r.level !== 'normal')
    .map((r) => ({ region: r.region, level: r.level, conditions: r.reasons.map(describeReason) }));

export interface RunOptions {
  /** Decide and report, change nothing. */
  dryRun?: boolean;
  /** Re-apply every target's capacity even where the state says it is set: after a deploy reset them to the template's. */
  reconcile?: boolean;
}

export async function runWeatherScaling(
  deps: WeatherScalingDeps,
  options: RunOptions = {},
): Promise<WeatherScalingReport> {
  const now = deps.clock.now();
  const runId = deps.ids.uuid();
  const { policy, targets, failureAlertAfter, runLeaseSeconds } = deps.weatherScaling;
  const state = await deps.scalingState.load(now);
  const seen = await forecast(deps, now);
  if (!seen.ok)
    deps.log.warn('weather forecast unavailable: keeping the current level', {
      provider: deps.weatherProvider.name,
      problem: seen.problem,
    });

  const transition = nextScaleState(state, seen.ok ? seen.assessment.level : 'unavailable', now, policy);
  const reasons = seen.ok ? summarise(seen.assessment.regions) : state.reasons;
  // A surge read that fails fails the run (retried, nothing changed): capacity is never lowered under a surge unseen.
  const surge = activeSurge(await deps.surges?.latest(), now);
  const level = capacityLevel(transition.to, surge);
  const plan: TargetChange[] = targets
    .filter((t) => options.reconcile || state.applied[t.name] !== level)
    .map((t) => {
      const from = state.applied[t.name];
      return {
        target: t.name,
        ...(from ? { from, fromCapacity: describeCapacity(capacityFor(t, from)) } : {}),
        to: level,
        toCapacity: describeCapacity(capacityFor(t, level)),
      };
    });
  const report: WeatherScalingReport = {
    runId,
    outcome: 'dry-run',
    forecast: seen.ok
      ? {
          provider: deps.weatherProvider.name,
          available: true,
          level: seen.assessment.level,
          demandMultiplier: seen.assessment.demandMultiplier,
          ...(seen.assessment.leadMinutes === undefined ? {} : { leadMinutes: seen.assessment.leadMinutes }),
          regions: reasons,
        }
      : { provider: deps.weatherProvider.name, available: false, problem: seen.problem, regions: reasons },
    decision: { kind: transition.kind, from: transition.from, to: transition.to, why: transition.why },
    ...(surge && level !== transition.to
      ? { surge: { level: surge.level, until: surge.until, by: surge.by, reason: surge.reason } }
      : {}),
    capacityLevel: level,
    state: {
      level: transition.state.level,
      since: transition.state.since,
      clearRuns: transition.state.clearRuns,
      fetchFailures: transition.state.fetchFailures,
      version: state.version,
    },
    targets: {
      planned: plan,
      changed: [],
      failed: [],
      unchanged: targets.filter((t) => !plan.some((p) => p.target === t.name)).map((t) => t.name),
    },
    alerts: [],
  };
  if (options.dryRun) return report;

  // One conditional write decides which of two overlapping runs acts: the loser changes nothing and says so.
  const lease = { runId, until: new Date(now.getTime() + runLeaseSeconds * 1000) };
  const version = await deps.scalingState.claim(
    state.version,
    {
      ...transition.state,
      ...(state.lastChangeAt ? { lastChangeAt: state.lastChangeAt } : {}),
      reasons,
      applied: state.applied,
    },
    lease,
    now,
  );
  if (version === undefined) {
    deps.log.warn('weather scaling skipped: another run changed the state or holds the lease', { runId });
    return {
      ...report,
      outcome: 'skipped',
      skippedBecause: 'another run changed the scaling state or is still applying it',
      targets: { ...report.targets, planned: [] },
    };
  }
  report.outcome = 'completed';
  report.state.version = version;

  const applied = { ...state.applied };
  for (const change of plan) {
    const target = targets.find((t) => t.name === change.target)!;
    try {
      await deps.scaler.apply(target, change.to);
      applied[target.name] = change.to;
      report.targets.changed.push(change);
    } catch (error) {
      // Left behind in `applied`, so the next run tries this target again: that is how a partial failure converges.
      report.targets.failed.push({
        ...change,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      deps.log.error('scaling target not changed', { runId, target: target.name, error });
    }
  }
  const completed = await deps.scalingState.complete(
    { runId, version },
    applied,
    report.targets.changed.length ? now : state.lastChangeAt,
  );
  if (completed) report.state.version = version + 1;
  else
    deps.log.error('weather scaling lease lost before the run finished; the next run re-applies what is unrecorded', {
      runId,
    });

  if (transition.kind !== 'hold') {
    report.alerts.push('weather-level-change');
    await notify(deps, {
      channel: 'operations',
      purpose: 'weather-level-change',
      ...levelChangeMessage(transition, seen, report),
    });
  }
  if (seen.ok && deps.prescaling) {
    const { fleet, needs } = deps.prescaling;
    report.fleetNeeds = await fleetNeeds(deps, fleet, seen.forecasts, now);
    await needs.save({ at: now, regions: report.fleetNeeds });
    for (const need of report.fleetNeeds) {
      if (!need.shortfall || !(await needs.firstAlertFor(need.region, need.shortfall.from))) continue;
      report.alerts.push('fleet-shortfall');
      await notify(deps, {
        channel: 'operations',
        purpose: 'fleet-shortfall',
        subject: `TyreHero fleet: ${need.alert!}`,
        text: `${need.alert!} until ${formatUkTime(need.shortfall.to)}: the forecast brings more calls than the ${need.onShift} vans on shift there can answer within 90 minutes. Vans needed hour by hour from now: ${need.needed.join(', ')}. A van needs about an hour to get on the road.`,
      });
    }
  }
  if (!seen.ok && transition.state.fetchFailures === failureAlertAfter) {
    report.alerts.push('forecast-unavailable');
    await notify(deps, {
      channel: 'operations',
      purpose: 'forecast-unavailable',
      subject: `TyreHero weather: no forecast for ${failureAlertAfter} runs`,
      text: `Weather scaling has had no forecast from ${deps.weatherProvider.name} for ${failureAlertAfter} runs in a row. Last problem: ${seen.problem}. The level stays ${transition.to} and nothing scales down until forecasts return.`,
    });
  }
  return report;
}

function levelChangeMessage(
  transition: Transition,
  seen: Forecast,
  report: WeatherScalingReport,
): { subject: string; text: string } {
  const lines = [`Weather level ${transition.from} → ${transition.to} (${transition.why}).`];
  if (seen.ok) {
    const { demandMultiplier, leadMinutes } = seen.assessment;
    const lead = leadMinutes === undefined ? '' : `, first bad weather in ${leadMinutes} min`;
    lines.push(`National demand ×${demandMultiplier}${lead}.`);
    const affected = seen.assessment.regions.filter((r) => r.level !== 'normal');
    lines.push('', affected.length ? 'Regions:' : 'Regions: none affected in the forecast window.');
    for (const r of affected)
      lines.push(
        `- ${r.region} (${r.level}): ${r.reasons.map((reason) => `${describeReason(reason)} from ${formatUkTime(reason.from)}`).join('; ')}`,
      );
  }
  const { changed, failed } = report.targets;
  if (changed.length || failed.length) {
    lines.push('', 'Capacity:');
    for (const c of changed) lines.push(`- ${c.target}: ${c.fromCapacity ?? 'unknown'} → ${c.toCapacity}`);
    for (const c of failed)
      lines.push(
        `- ${c.target}: NOT CHANGED, still ${c.fromCapacity ?? 'unknown'} (wanted ${c.toCapacity}): ${c.error}. The next run retries.`,
      );
  }
  // SNS subjects are ASCII only.
  return { subject: `TyreHero weather: ${transition.to} (was ${transition.from})`, text: lines.join('\n') };
}
