// Service level objectives and their error budgets, alerted by the SRE workbook's multi-window, multi-burn-rate rules
// (chapter 5, "Alerting on SLOs"): a budget burning 14.4 times too fast over the last hour (and still over the last 5
// minutes) or 6 times over 6 hours (and 30 minutes) pages; burning it at all over 3 days (and 6 hours) warns.
// Pure: collectMetrics feeds it counts of good and total events per window, and publishes what it answers.

export type SloName = 'availability' | 'promise' | 'latency';

export interface SloSpec {
  name: SloName;
  title: string;
  /** The fraction of events that must be good over the SLO window, e.g. 0.999. */
  objective: number;
  /** What a good event is, for a person reading /ops/metrics. */
  good: string;
}

/** The SLO window: budgets are spent over the last 30 days. */
export const sloWindowDays = 30;

/** The windows burn rates are read over, shortest first. */
export const burnWindows = ['5m', '30m', '1h', '6h', '3d'] as const;
export type BurnWindow = (typeof burnWindows)[number];
export const windowMinutes: Record<BurnWindow | '30d', number> = {
  '5m': 5,
  '30m': 30,
  '1h': 60,
  '6h': 360,
  '3d': 3 * 1440,
  '30d': sloWindowDays * 1440,
};

/** A burn-rate rule: both windows over `burnRate` at once (the short one resets the alert soon after a fix). */
export interface BurnRule {
  long: BurnWindow;
  short: BurnWindow;
  burnRate: number;
  /** 'page' opens an incident (critical topic); 'warn' goes to the warning topic. */
  alert: 'page' | 'warn';
}

/** The workbook's recommended rules for a 30-day SLO: 2 % of the budget in an hour, 5 % in 6 hours, 10 % in 3 days. */
export const burnRules: readonly BurnRule[] = [
  { long: '1h', short: '5m', burnRate: 14.4, alert: 'page' },
  { long: '6h', short: '30m', burnRate: 6, alert: 'page' },
  { long: '3d', short: '6h', burnRate: 1, alert: 'warn' },
];

export interface EventCounts {
  good: number;
  total: number;
}

/** Good and total events in each window; a window the source has no figures for (no gateway locally) is absent. */
export type WindowCounts = Partial<Record<BurnWindow | '30d', EventCounts>>;

export interface SloEvaluation {
  name: SloName;
  title: string;
  objective: number;
  good: string;
  /** Share of the 30-day budget left (1 = untouched, 0 = spent, negative = overspent); null with no events to judge. */
  budgetRemaining: number | null;
  /** Good events over the 30 days; null with none. */
  attainment: number | null;
  /** Per window: how many times faster than sustainable the budget burns (1 = spent exactly at 30 days). */
  burnRates: Partial<Record<BurnWindow, number>>;
  /** The most serious rule that fires now. */
  alert: 'page' | 'warn' | 'none';
  /** The rules that fire, as a person would say them. */
  firing: string[];
}

const round = (n: number, places = 4) => Math.round(n * 10 ** places) / 10 ** places;

/** Bad events' share over the share the objective allows; 0 with no events (no traffic burns no budget). */
export function burnRate(counts: EventCounts, objective: number): number {
  if (counts.total <= 0) return 0;
  const bad = Math.max(0, counts.total - Math.min(counts.good, counts.total));
  return bad / counts.total / (1 - objective);
}

export function evaluateSlo(spec: SloSpec, counts: WindowCounts): SloEvaluation {
  const burnRates: Partial<Record<BurnWindow, number>> = {};
  for (const w of burnWindows) {
    const c = counts[w];
    if (c) burnRates[w] = round(burnRate(c, spec.objective));
  }
  const month = counts['30d'];
  const judged = month && month.total > 0 ? month : undefined;
  const firing: string[] = [];
  let alert: SloEvaluation['alert'] = 'none';
  for (const rule of burnRules) {
    const long = burnRates[rule.long];
    const short = burnRates[rule.short];
    if (long === undefined || short === undefined) continue;
    if (long >= rule.burnRate && short >= rule.burnRate) {
      firing.push(
        `${spec.title}: budget burning ${long}× over ${rule.long} and ${short}× over ${rule.short} (${rule.alert} at ${rule.burnRate}×)`,
      );
      if (rule.alert === 'page') alert = 'page';
      else if (alert === 'none') alert = 'warn';
    }
  }
  return {
    name: spec.name,
    title: spec.title,
    objective: spec.objective,
    good: spec.good,
    budgetRemaining: judged ? round(1 - burnRate(judged, spec.objective)) : null,
    attainment: judged ? round(Math.min(judged.good, judged.total) / judged.total, 6) : null,
    burnRates,
    alert,
    firing,
  };
}

/** The service's three SLOs, their objectives from configuration. */
export function serviceSlos(objectives: { availability: number; promise: number; latency: number; latencyMs: number }) {
  return [
    {
      name: 'availability',
      title: 'Availability',
      objective: objectives.availability,
      good: 'API requests not answered 5xx at the gateway',
    },
    {
      name: 'promise',
      title: '90-minute promise',
      objective: objectives.promise,
      good: 'requests whose technician arrived by the SLA deadline (verified), of those arrived or past their deadline',
    },
    {
      name: 'latency',
      title: `Latency (p95 ≤ ${objectives.latencyMs} ms)`,
      objective: objectives.latency,
      good: `API requests answered within ${objectives.latencyMs} ms at the gateway`,
    },
  ] as const satisfies readonly SloSpec[];
}

/** The CloudWatch metric names collectMetrics publishes for an SLO (the alarms and the dashboard read these). */
export const sloMetricName = {
  burnRate: (slo: SloName, window: BurnWindow) => `Slo${capital(slo)}BurnRate${window}`,
  budgetRemaining: (slo: SloName) => `Slo${capital(slo)}BudgetRemainingPercent`,
};

function capital(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
