// The business figures (queue, response times, SLA compliance, availability, coverage): computed once, here, for both
// the collectMetrics job and GET /ops/metrics, so the dashboard and the alarms can never disagree.
import { coveragePercent } from '#shared/domain/coverage.js';
import type { EtaSettings } from '#shared/domain/eta.js';
import { startOfUkDay } from '#shared/domain/uk-day.js';
import type { Clock } from '#shared/ports/clock.js';
import type { MetricsStore, ResponseWindow } from '#shared/ports/metrics-store.js';
import type { TechnicianIndex } from '#shared/ports/technician-index.js';
import { freshSince, minutesWaited } from '#shared/domain/durations.js';

export interface FiguresDeps {
  metricsStore: MetricsStore;
  technicians: Pick<TechnicianIndex, 'listDispatchable'>;
  clock: Clock;
  dispatch: { freshMinutes: number; maxRadiusKm: number; eta: EtaSettings };
  intake: { slaMinutes: number };
  operations: { highPriorityAtMost: number; satisfactionTarget: number };
}

/** A figure over an empty window (no arrivals, no deadlines) is null: there is nothing to average, and 0 would lie. */
export interface WindowFigures {
  lastHour: number | null;
  today: number | null;
}

export interface OperationalFigures {
  at: Date;
  /** Midnight UK local time: where "today" starts (GMT or BST). */
  todayStartedAt: Date;
  pendingRequests: number;
  assignedRequests: number;
  /** En route or on site. */
  inProgressRequests: number;
  completedToday: number;
  /** Completed without a verified arrival: counted apart, never in the response or SLA figures. */
  unverifiedCompletions: { lastHour: number; today: number };
  averageResponseMinutes: WindowFigures;
  slaCompliancePercent: WindowFigures;
  /** 0 when nothing is pending. */
  oldestPendingMinutes: number;
  highPriorityPending: number;
  availableTechnicians: number;
  /** 0 with no available technician. */
  coveragePercent: number;
  /**
   * Technicians on a job (assigned, en route or on site: one request each) of those on a job or free to take one;
   * null with nobody on shift. The playbook's target is 80 %; below 60 % the fleet is larger than the demand.
   */
  utilisationPercent: number | null;
  /** Real requests created in the last full minute: the spike alarm's figure. */
  requestsLastMinute: number;
  /** Open, not yet reached, past the deadline: the customers being failed right now. */
  openPastDeadline: number;
  /** Mean customer rating over the last 24 hours (null with none), how many, and the target it is tracked against. */
  customerSatisfaction: { last24Hours: number | null; ratings: number; target: number };
  /**
   * The straight-line heuristic against the road route, over the last 24 hours' assignments that had both (intake in
   * AWS): mean absolute error and bias (heuristic − road; positive, it promises later) in minutes; null with none.
   */
  heuristicEtaError: {
    last24Hours: { compared: number; meanAbsoluteMinutes: number | null; biasMinutes: number | null };
  };
}

const oneDecimal = (n: number) => Math.round(n * 10) / 10;

function averageOf(w: ResponseWindow): number | null {
  return w.averageResponseMinutes === undefined ? null : oneDecimal(w.averageResponseMinutes);
}

/** Arrivals in time over arrivals plus deadlines missed with nobody there; null when the window holds neither. */
function complianceOf(w: ResponseWindow): number | null {
  const judged = w.arrived + w.missedUnarrived;
  return judged === 0 ? null : oneDecimal((w.arrivedWithinSla / judged) * 100);
}

export async function computeOperationalFigures(deps: FiguresDeps): Promise<OperationalFigures> {
  const at = deps.clock.now();
  const todayStartedAt = startOfUkDay(at);
  const hourAgo = new Date(at.getTime() - 3600_000);
  const fresh = freshSince(at, deps.dispatch.freshMinutes);
  const store = deps.metricsStore;

  const dayAgo = new Date(at.getTime() - 24 * 3600_000);
  const [
    open,
    queue,
    completedToday,
    unverifiedLastHour,
    unverifiedToday,
    lastHour,
    today,
    openPastDeadline,
    available,
    satisfaction,
    requestsLastMinute,
    etaAgreement,
  ] = await Promise.all([
    store.countOpenByStatus(),
    store.pendingQueue(deps.operations.highPriorityAtMost),
    store.countCompleted(todayStartedAt, at),
    store.countUnverifiedCompletions(hourAgo, at),
    store.countUnverifiedCompletions(todayStartedAt, at),
    store.responseWindow(hourAgo, at),
    store.responseWindow(todayStartedAt, at),
    store.countOpenPastDeadline(at),
    deps.technicians.listDispatchable(fresh),
    // A rolling day rather than "today": ratings arrive slowly, and a figure that resets at midnight would say nothing at 01:00.
    store.satisfaction(dayAgo, at),
    store.countCreated(new Date(at.getTime() - 60_000), at),
    store.etaAgreement(dayAgo, at),
  ]);
  const busy = open.assigned + open.en_route + open.on_site;
  const onShift = busy + available.length;

  return {
    at,
    todayStartedAt,
    pendingRequests: open.pending,
    assignedRequests: open.assigned,
    inProgressRequests: open.en_route + open.on_site,
    completedToday,
    unverifiedCompletions: { lastHour: unverifiedLastHour, today: unverifiedToday },
    averageResponseMinutes: { lastHour: averageOf(lastHour), today: averageOf(today) },
    slaCompliancePercent: { lastHour: complianceOf(lastHour), today: complianceOf(today) },
    oldestPendingMinutes: queue.oldestCreatedAt ? minutesWaited(queue.oldestCreatedAt, at) : 0,
    highPriorityPending: queue.highPriority,
    availableTechnicians: available.length,
    coveragePercent: coveragePercent(
      available.map((t) => t.location),
      at,
      { eta: deps.dispatch.eta, slaMinutes: deps.intake.slaMinutes, maxRadiusKm: deps.dispatch.maxRadiusKm },
    ),
    utilisationPercent: onShift === 0 ? null : oneDecimal((busy / onShift) * 100),
    requestsLastMinute,
    openPastDeadline,
    customerSatisfaction: {
      last24Hours: satisfaction.average === undefined ? null : Math.round(satisfaction.average * 100) / 100,
      ratings: satisfaction.ratings,
      target: deps.operations.satisfactionTarget,
    },
    heuristicEtaError: {
      last24Hours: {
        compared: etaAgreement.compared,
        meanAbsoluteMinutes:
          etaAgreement.meanAbsoluteErrorMinutes === undefined
            ? null
            : oneDecimal(etaAgreement.meanAbsoluteErrorMinutes),
        biasMinutes: etaAgreement.biasMinutes === undefined ? null : oneDecimal(etaAgreement.biasMinutes),
      },
    },
  };
}

/** CloudWatch's unit names (Powertools' MetricUnit values), so this use-case needs no metrics library. */
export type FigureUnit = 'Count' | 'Percent' | 'None';

export interface MetricDatum {
  name: string;
  unit: FigureUnit;
  value: number;
}

/**
 * The figures as CloudWatch metrics. CloudWatch has no minutes unit, so minute figures carry it in their name with
 * no unit. The last-hour window is the headline metric (the alarms use it); "today" has its own name. A null
 * figure is omitted, so an empty window leaves a gap in the graph rather than a false 0 or 100.
 */
export function asMetrics(f: OperationalFigures): MetricDatum[] {
  const data: Array<[string, FigureUnit, number | null]> = [
    ['PendingRequests', 'Count', f.pendingRequests],
    ['AssignedRequests', 'Count', f.assignedRequests],
    ['InProgressRequests', 'Count', f.inProgressRequests],
    ['CompletedToday', 'Count', f.completedToday],
    ['UnverifiedCompletions', 'Count', f.unverifiedCompletions.lastHour],
    ['UnverifiedCompletionsToday', 'Count', f.unverifiedCompletions.today],
    ['AverageResponseMinutes', 'None', f.averageResponseMinutes.lastHour],
    ['AverageResponseMinutesToday', 'None', f.averageResponseMinutes.today],
    ['SlaCompliancePercent', 'Percent', f.slaCompliancePercent.lastHour],
    ['SlaCompliancePercentToday', 'Percent', f.slaCompliancePercent.today],
    ['OldestPendingMinutes', 'None', f.oldestPendingMinutes],
    ['HighPriorityPending', 'Count', f.highPriorityPending],
    ['AvailableTechnicians', 'Count', f.availableTechnicians],
    ['CoveragePercent', 'Percent', f.coveragePercent],
    ['TechnicianUtilisationPercent', 'Percent', f.utilisationPercent],
    ['RequestsPerMinute', 'Count', f.requestsLastMinute],
    ['OpenRequestsPastDeadline', 'Count', f.openPastDeadline],
    ['CustomerSatisfaction', 'None', f.customerSatisfaction.last24Hours],
    ['CustomerRatings', 'Count', f.customerSatisfaction.ratings],
    ['HeuristicEtaErrorMinutes', 'None', f.heuristicEtaError.last24Hours.meanAbsoluteMinutes],
    ['HeuristicEtaBiasMinutes', 'None', f.heuristicEtaError.last24Hours.biasMinutes],
  ];
  return data
    .filter((d): d is [string, FigureUnit, number] => d[2] !== null)
    .map(([name, unit, value]) => ({ name, unit, value }));
}
