import { describe, expect, it } from 'vitest';
import {
  capacityFor,
  describeCapacity,
  initialScaleState,
  nextScaleState,
  type ForecastSignal,
  type ScaleState,
  type ScalingTarget,
} from '#shared/domain/weather-scaling.js';

const policy = { clearRunsToScaleDown: 4, cooldownMinutes: 180 };
const t0 = new Date('2026-01-12T06:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const state = (over: Partial<ScaleState>): ScaleState => ({ ...initialScaleState(t0), ...over });

describe('nextScaleState', () => {
  it.each<
    [
      string,
      Partial<ScaleState>,
      ForecastSignal,
      number,
      { kind: string; to: string; clearRuns: number; fetchFailures?: number },
    ]
  >([
    ['scales normal → severe at once', {}, 'severe', 0, { kind: 'up', to: 'severe', clearRuns: 0 }],
    ['scales normal → elevated at once', {}, 'elevated', 0, { kind: 'up', to: 'elevated', clearRuns: 0 }],
    [
      'scales elevated → severe at once, even in cooldown',
      { level: 'elevated', lastScaleUpAt: at(-5) },
      'severe',
      0,
      { kind: 'up', to: 'severe', clearRuns: 0 },
    ],
    [
      'holds when the forecast matches the level, and forgets clear runs',
      { level: 'elevated', clearRuns: 3 },
      'elevated',
      0,
      { kind: 'hold', to: 'elevated', clearRuns: 0 },
    ],
    [
      'counts a first clear run',
      { level: 'severe', lastScaleUpAt: at(-600) },
      'normal',
      0,
      { kind: 'hold', to: 'severe', clearRuns: 1 },
    ],
    [
      'holds on the third clear run',
      { level: 'severe', lastScaleUpAt: at(-600), clearRuns: 2 },
      'normal',
      0,
      { kind: 'hold', to: 'severe', clearRuns: 3 },
    ],
    [
      'steps down one level on the fourth clear run',
      { level: 'severe', lastScaleUpAt: at(-600), clearRuns: 3 },
      'normal',
      0,
      { kind: 'down', to: 'elevated', clearRuns: 0 },
    ],
    [
      'steps severe → elevated when elevated is forecast',
      { level: 'severe', lastScaleUpAt: at(-600), clearRuns: 3 },
      'elevated',
      0,
      { kind: 'down', to: 'elevated', clearRuns: 0 },
    ],
    [
      'steps elevated → normal',
      { level: 'elevated', lastScaleUpAt: at(-600), clearRuns: 3 },
      'normal',
      0,
      { kind: 'down', to: 'normal', clearRuns: 0 },
    ],
    [
      'holds within the cooldown however many clear runs',
      { level: 'severe', lastScaleUpAt: at(-179), clearRuns: 9 },
      'normal',
      0,
      { kind: 'hold', to: 'severe', clearRuns: 10 },
    ],
    [
      'steps down exactly when the cooldown ends',
      { level: 'severe', lastScaleUpAt: at(-180), clearRuns: 3 },
      'normal',
      0,
      { kind: 'down', to: 'elevated', clearRuns: 0 },
    ],
    [
      'keeps the level when the forecast is unavailable, and restarts the clear count',
      { level: 'severe', lastScaleUpAt: at(-600), clearRuns: 3 },
      'unavailable',
      0,
      { kind: 'hold', to: 'severe', clearRuns: 0, fetchFailures: 1 },
    ],
    [
      'counts consecutive failures',
      { level: 'normal', fetchFailures: 2 },
      'unavailable',
      0,
      { kind: 'hold', to: 'normal', clearRuns: 0, fetchFailures: 3 },
    ],
    [
      'resets the failure count once a forecast arrives',
      { level: 'normal', fetchFailures: 5 },
      'normal',
      0,
      { kind: 'hold', to: 'normal', clearRuns: 0, fetchFailures: 0 },
    ],
  ])('%s', (_name, from, forecast, minutes, expected) => {
    const transition = nextScaleState(state(from), forecast, at(minutes), policy);
    expect(transition).toMatchObject({
      kind: expected.kind,
      to: expected.to,
      state: { level: expected.to, clearRuns: expected.clearRuns },
    });
    if (expected.fetchFailures !== undefined) expect(transition.state.fetchFailures).toBe(expected.fetchFailures);
  });

  it('records when a scale-up happened, and keeps it across a step down', () => {
    const up = nextScaleState(state({}), 'severe', at(0), policy);
    expect(up.state).toMatchObject({ since: at(0), lastScaleUpAt: at(0) });
    const down = nextScaleState({ ...up.state, clearRuns: 3 }, 'normal', at(240), policy);
    expect(down.state).toMatchObject({ level: 'elevated', since: at(240), lastScaleUpAt: at(0) });
  });

  it('never oscillates on alternating forecasts', () => {
    let s = state({});
    const levels: string[] = [];
    for (let run = 0; run < 40; run++) {
      s = nextScaleState(s, run % 2 === 0 ? 'severe' : 'normal', at(run * 15), policy).state;
      levels.push(s.level);
    }
    expect(new Set(levels)).toEqual(new Set(['severe']));
  });

  it('needs the full run of clear forecasts again after each step down', () => {
    let s = state({ level: 'severe', lastScaleUpAt: at(-600) });
    const trail: string[] = [];
    for (let run = 1; run <= 8; run++) {
      s = nextScaleState(s, 'normal', at(run * 15), policy).state;
      trail.push(s.level);
    }
    expect(trail).toEqual(['severe', 'severe', 'severe', 'elevated', 'elevated', 'elevated', 'elevated', 'normal']);
  });
});

describe('capacity per level', () => {
  const intake: ScalingTarget = {
    kind: 'provisioned-concurrency',
    name: 'intake',
    functionName: 'f',
    alias: 'live',
    capacity: { normal: { min: 1, max: 5 }, elevated: { min: 4, max: 20 }, severe: { min: 10, max: 50 } },
  };
  const database: ScalingTarget = {
    kind: 'aurora-min-acu',
    name: 'database',
    clusterId: 'c',
    maxAcu: 32,
    minAcu: { normal: 2, elevated: 4, severe: 8 },
  };

  it('reads each target’s capacity for a level', () => {
    expect(capacityFor(intake, 'elevated')).toEqual({ min: 4, max: 20 });
    expect(capacityFor(database, 'severe')).toEqual({ minAcu: 8, maxAcu: 32 });
    expect(describeCapacity(capacityFor(intake, 'severe'))).toBe('provisioned concurrency 10–50');
    expect(describeCapacity(capacityFor(database, 'normal'))).toBe('2 min ACU');
  });
});
