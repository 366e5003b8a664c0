// Scale-state transitions (up at once, down one level at a time with hysteresis) and capacity per target per level.
import type { WeatherLevel } from './priority.js';
import { levelRank, weatherLevels } from './weather.js';

export interface ScalePolicy {
  /** Consecutive clear runs needed before stepping down a level. */
  clearRunsToScaleDown: number;
  /** No step down within this long after the last scale-up: storms come in waves. */
  cooldownMinutes: number;
}

export interface ScaleState {
  level: WeatherLevel;
  /** When the current level began. */
  since: Date;
  lastScaleUpAt?: Date;
  /** Consecutive runs whose forecast was below the current level. */
  clearRuns: number;
  /** Consecutive runs without a usable forecast. */
  fetchFailures: number;
}

export type ForecastSignal = WeatherLevel | 'unavailable';

export interface Transition {
  kind: 'up' | 'down' | 'hold';
  from: WeatherLevel;
  to: WeatherLevel;
  why: string;
  state: ScaleState;
}

export const initialScaleState = (now: Date): ScaleState => ({
  level: 'normal',
  since: now,
  clearRuns: 0,
  fetchFailures: 0,
});

export function nextScaleState(
  state: ScaleState,
  forecast: ForecastSignal,
  now: Date,
  policy: ScalePolicy,
): Transition {
  const from = state.level;
  const hold = (why: string, next: Partial<ScaleState>): Transition => ({
    kind: 'hold',
    from,
    to: from,
    why,
    state: { ...state, ...next },
  });

  // Missing data is never evidence of clear weather: keep the level and break any run of clear forecasts.
  if (forecast === 'unavailable')
    return hold('forecast unavailable', { clearRuns: 0, fetchFailures: state.fetchFailures + 1 });

  if (levelRank(forecast) > levelRank(from)) {
    return {
      kind: 'up',
      from,
      to: forecast,
      why: `forecast is ${forecast}`,
      state: { level: forecast, since: now, lastScaleUpAt: now, clearRuns: 0, fetchFailures: 0 },
    };
  }
  if (forecast === from) return hold(`forecast is ${forecast}`, { clearRuns: 0, fetchFailures: 0 });

  const clearRuns = state.clearRuns + 1;
  if (clearRuns < policy.clearRunsToScaleDown)
    return hold(`forecast below ${from} for ${clearRuns}/${policy.clearRunsToScaleDown} runs`, {
      clearRuns,
      fetchFailures: 0,
    });
  const cooldownEnds = state.lastScaleUpAt
    ? new Date(state.lastScaleUpAt.getTime() + policy.cooldownMinutes * 60_000)
    : undefined;
  if (cooldownEnds && now < cooldownEnds)
    return hold(`in cooldown until ${cooldownEnds.toISOString()}`, { clearRuns, fetchFailures: 0 });

  const to = weatherLevels[levelRank(from) - 1]!;
  return {
    kind: 'down',
    from,
    to,
    why: `forecast below ${from} for ${clearRuns} runs`,
    state: {
      level: to,
      since: now,
      ...(state.lastScaleUpAt ? { lastScaleUpAt: state.lastScaleUpAt } : {}),
      clearRuns: 0,
      fetchFailures: 0,
    },
  };
}

export interface ConcurrencyRange {
  min: number;
  max: number;
}

/** What weather scaling may change, with the capacity it sets at each level. */
export type ScalingTarget =
  | {
      kind: 'provisioned-concurrency';
      name: string;
      functionName: string;
      alias: string;
      capacity: Record<WeatherLevel, ConcurrencyRange>;
    }
  | { kind: 'aurora-min-acu'; name: string; clusterId: string; maxAcu: number; minAcu: Record<WeatherLevel, number> };

export type Capacity = ConcurrencyRange | { minAcu: number; maxAcu: number };

export function capacityFor(target: ScalingTarget, level: WeatherLevel): Capacity {
  return target.kind === 'provisioned-concurrency'
    ? target.capacity[level]
    : { minAcu: target.minAcu[level], maxAcu: target.maxAcu };
}

export function describeCapacity(capacity: Capacity): string {
  return 'minAcu' in capacity
    ? `${capacity.minAcu} min ACU`
    : `provisioned concurrency ${capacity.min}–${capacity.max}`;
}
