// What a simulated day comes to: the figures per scenario and policy, the table, and the chart of the day.
import type { DayResult } from './day.js';

export interface PolicyFigures {
  name: string;
  calls: number;
  slaCompliance: number;
  slaBreaches: number;
  p1Calls: number;
  p1Compliance: number;
  meanMinutesToArrival: number;
  p95MinutesToArrival: number;
  worstWaitMinutes: number;
  utilisation: number;
  peakBacklog: number;
  neverServed: number;
  /** Intakes that answered `pending` to leave the choice to the batched window. */
  leftForWindow: number;
  intakeP95Ms: number;
  intakeMaxMs: number;
  /** Intakes slower than the 3 s dispatch budget (wall clock, this machine). */
  intakesOverBudget: number;
  /** Compliance as a fraction of the scenario's hindsight bound. */
  fractionOfBound?: number;
  /** Vans called in by pre-scaling, and the alerts that asked for them. */
  calledIn?: number;
  alerts?: string[];
  wallSeconds: number;
  /** Pending requests every 10 simulated minutes, and compliance of the calls made in each hour. */
  backlogEvery10Minutes: number[];
  complianceByHour: (number | null)[];
}

export interface ScenarioFigures {
  name: string;
  calls: number;
  policies: PolicyFigures[];
  bound: { slaCompliance: number; onTime: number; constraints: number; solveMs: number; withPrescaling?: number };
}

export interface SimResults {
  mode: 'full' | 'quick';
  seed: number;
  startedAt: string;
  durationSeconds: number;
  machine: { cores: number; node: string; loadAverageAtStart: number };
  setup: Record<string, unknown>;
  scenarios: ScenarioFigures[];
  windows?: { windowSeconds: number; slaCompliance: number; slaBreaches: number; p1Compliance: number }[];
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function figuresOf(
  name: string,
  day: DayResult,
  hours: { from: number; to: number },
  dayStart: Date,
): PolicyFigures {
  const min = 60_000;
  const calls = day.calls;
  const onTime = calls.filter((c) => c.onSiteAt !== undefined && c.onSiteAt <= c.deadline);
  const p1 = calls.filter((c) => c.priority === 1);
  const arrivals = calls.filter((c) => c.onSiteAt !== undefined).map((c) => (c.onSiteAt! - c.createdAt) / min);
  const intake = calls.map((c) => c.intakeMs);
  const complianceByHour: (number | null)[] = [];
  for (let h = hours.from; h < hours.to; h++) {
    const inHour = calls.filter((c) => Math.floor((c.createdAt - dayStart.getTime()) / 3_600_000) === h);
    complianceByHour.push(
      inHour.length
        ? round(inHour.filter((c) => c.onSiteAt !== undefined && c.onSiteAt <= c.deadline).length / inHour.length, 3)
        : null,
    );
  }
  return {
    name,
    calls: calls.length,
    slaCompliance: calls.length ? round(onTime.length / calls.length, 4) : 1,
    slaBreaches: calls.length - onTime.length,
    p1Calls: p1.length,
    p1Compliance: p1.length
      ? round(p1.filter((c) => c.onSiteAt !== undefined && c.onSiteAt <= c.deadline).length / p1.length, 4)
      : 1,
    meanMinutesToArrival: arrivals.length ? round(arrivals.reduce((a, b) => a + b, 0) / arrivals.length) : 0,
    p95MinutesToArrival: round(percentile(arrivals, 95)),
    worstWaitMinutes: round(Math.max(0, ...calls.map((c) => ((c.onSiteAt ?? day.endedAt) - c.createdAt) / min))),
    utilisation: day.shiftMinutes ? round(day.busyMinutes / day.shiftMinutes, 3) : 0,
    peakBacklog: Math.max(0, ...day.backlog),
    neverServed: calls.filter((c) => c.onSiteAt === undefined).length,
    leftForWindow: calls.filter((c) => c.awaitingBatch).length,
    intakeP95Ms: round(percentile(intake, 95)),
    intakeMaxMs: round(Math.max(0, ...intake)),
    intakesOverBudget: intake.filter((ms) => ms > 3000).length,
    wallSeconds: day.wallSeconds,
    backlogEvery10Minutes: day.backlog.filter((_, i) => i % 10 === 0),
    complianceByHour,
  };
}

const pct = (n: number) => `${round(n * 100, 1)} %`;

export function renderTable(results: SimResults): string {
  const lines = [
    '| Scenario | Policy | Calls | SLA compliance | Breaches | P1 compliance (calls) | ÷ bound | Mean / p95 to arrival (min) | Worst wait (min) | Utilisation | Peak backlog | Never served | Intake p95 / max ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const s of results.scenarios) {
    for (const p of s.policies)
      lines.push(
        `| ${s.name} | ${p.name}${p.calledIn ? ` (${p.calledIn} vans called in)` : ''} | ${p.calls} | ${pct(p.slaCompliance)} | ${p.slaBreaches} | ${pct(p.p1Compliance)} (${p.p1Calls}) | ${p.fractionOfBound === undefined ? '—' : pct(p.fractionOfBound)} | ${p.meanMinutesToArrival} / ${p.p95MinutesToArrival} | ${p.worstWaitMinutes} | ${pct(p.utilisation)} | ${p.peakBacklog} | ${p.neverServed} | ${p.intakeP95Ms} / ${p.intakeMaxMs} |`,
      );
    lines.push(
      `| ${s.name} | **hindsight bound** (LP) | ${s.calls} | ${pct(s.bound.slaCompliance)} | ${round(s.calls - s.bound.onTime)} | — | 100 % | — | — | — | — | — | — |`,
    );
  }
  return lines.join('\n');
}

const colours: Record<string, string> = { greedy: '#c0392b', batched: '#2471a3', 'batched+prescaling': '#1e8449' };

/** Two panels for one scenario: pending requests over the day, and compliance of each hour's calls. */
export function renderChart(
  scenario: ScenarioFigures,
  hours: { from: number; to: number },
  drainHours: number,
): string {
  const width = 760;
  const panel = 220;
  const left = 52;
  const right = 20;
  const plotWidth = width - left - right;
  const totalHours = hours.to - hours.from + drainHours;
  const x = (hoursFromStart: number) => left + (hoursFromStart / totalHours) * plotWidth;
  const maxBacklog = Math.max(5, ...scenario.policies.flatMap((p) => p.backlogEvery10Minutes));
  const top1 = 40;
  const top2 = top1 + panel + 60;
  const y1 = (v: number) => top1 + panel - (v / maxBacklog) * panel;
  const y2 = (v: number) => top2 + panel - v * panel;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top2 + panel + 60}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${scenario.name} day: pending requests (top) and share of each hour's calls reached within 90 minutes (bottom)</text>`,
  ];
  for (const [top, label] of [
    [top1, `pending (max ${maxBacklog})`],
    [top2, 'on time'],
  ] as const) {
    out.push(`<rect x="${left}" y="${top}" width="${plotWidth}" height="${panel}" fill="none" stroke="#999"/>`);
    out.push(`<text x="4" y="${top - 6}">${label}</text>`);
    for (let h = 0; h <= totalHours; h += 2)
      out.push(
        `<text x="${x(h) - 12}" y="${top + panel + 16}">${String((hours.from + h) % 24).padStart(2, '0')}:00</text>`,
      );
  }
  for (const v of [0.5, 0.8, 0.9, 1])
    out.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y2(v)}" y2="${y2(v)}" stroke="#ddd"/><text x="${left - 36}" y="${y2(v) + 4}">${v * 100} %</text>`,
    );
  scenario.policies.forEach((p, i) => {
    const colour = colours[p.name] ?? '#555';
    const backlog = p.backlogEvery10Minutes.map((v, k) => `${x(k / 6).toFixed(1)},${y1(v).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.6" points="${backlog}"/>`);
    const compliance = p.complianceByHour
      .map((v, h) => (v === null ? undefined : `${x(h + 0.5).toFixed(1)},${y2(v).toFixed(1)}`))
      .filter(Boolean)
      .join(' ');
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.6" points="${compliance}"/>`);
    out.push(
      `<rect x="${left + 10 + i * 230}" y="${top2 + panel + 30}" width="12" height="12" fill="${colour}"/><text x="${left + 28 + i * 230}" y="${top2 + panel + 40}">${p.name}: ${pct(p.slaCompliance)} on time</text>`,
    );
  });
  out.push(
    `<text x="${left}" y="${top2 + panel + 58}" fill="#555">hindsight bound (LP relaxation): ${pct(scenario.bound.slaCompliance)} of ${scenario.calls} calls</text>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
