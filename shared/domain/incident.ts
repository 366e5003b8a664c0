// The incident playbook as rules: an incident's id, its lifecycle, when to page, repeat and escalate, when customers
// are told, and the post-incident report. Pure: the clock, the store and the pager are the callers'.
import type { Severity } from './incident-severity.js';

export type IncidentStatus = 'open' | 'acknowledged' | 'mitigated' | 'resolved';
export type IncidentAction = 'acknowledge' | 'update' | 'mitigate' | 'resolve';

export interface TimelineEvent {
  at: string;
  /** Who: a person's sub, "system", or the alarm's name. */
  by: string;
  kind:
    | 'opened'
    | 'joined'
    | 'acknowledged'
    | 'updated'
    | 'severity-changed'
    | 'mitigated'
    | 'resolved'
    | 'paged'
    | 'escalated'
    | 'status-page'
    | 'customers-texted'
    | 'customer-notice-cancelled'
    | 'diagnostics'
    | 'validation'
    | 'alarm'
    | 'surge'
    | 'failed';
  text: string;
  data?: Record<string, unknown>;
}

export interface Incident {
  id: string;
  title: string;
  /** What opened it: an alarm's name, the assessor ("assessor"), or "manual:<who>". Joins are by cause. */
  cause: string;
  severity: Severity;
  /** Set when a person overrode the assessed severity, with their reason. */
  severityOverride?: { by: string; reason: string; from: Severity };
  status: IncidentStatus;
  commander?: string;
  areas: string[];
  customersAffected: number;
  openedAt: string;
  acknowledgedAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
  /** Paging: the level now paged (1 = primary on call), when it was last paged, and how many pages went out. */
  paging: { level: number; lastPagedAt?: string; pages: number };
  statusPage?: { id: string; status: string };
  /** Customers with an open request: texted once (or cancelled by operations) per incident, and again on resolution. */
  customerNotice?: { state: 'sent' | 'cancelled'; at: string; by: string; sent?: number };
  resolutionNotice?: { at: string; sent: number };
  /** The latest recovery validation: an incident is resolved only after one passed. */
  validation?: { passed: boolean; at: string; detail: string };
  alarms: string[];
  timeline: TimelineEvent[];
}

/** INC-YYYYMMDD-HHMMSS, in UTC: sortable, and what the playbook's forms ask for. */
export function incidentId(at: Date): string {
  const iso = at.toISOString();
  return `INC-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

/** The playbook's response times, per severity; P3 and P4 page nobody. */
export const playbook = {
  P1: { acknowledgeMinutes: 5, updateEveryMinutes: 15, repeatPageMinutes: 5, escalateAfterMinutes: 15 },
  P2: { acknowledgeMinutes: 15, updateEveryMinutes: 30, repeatPageMinutes: 15, escalateAfterMinutes: 15 },
} as const;

export const pages = (severity: Severity): severity is 'P1' | 'P2' => severity === 'P1' || severity === 'P2';

/** Which steps each status allows; anything else is a 409 naming the current status. */
const allowed: Record<IncidentAction, IncidentStatus[]> = {
  acknowledge: ['open'],
  update: ['open', 'acknowledged', 'mitigated'],
  mitigate: ['open', 'acknowledged'],
  resolve: ['acknowledged', 'mitigated'],
};

export function actionAllowed(action: IncidentAction, status: IncidentStatus): boolean {
  return allowed[action].includes(status);
}

export function nextStatus(action: IncidentAction, status: IncidentStatus): IncidentStatus {
  return action === 'acknowledge'
    ? 'acknowledged'
    : action === 'mitigate'
      ? 'mitigated'
      : action === 'resolve'
        ? 'resolved'
        : status;
}

const minutesBetween = (from: string, to: Date) => (to.getTime() - Date.parse(from)) / 60_000;

export type PagingStep =
  { kind: 'none' } | { kind: 'page'; level: number; repeat: boolean } | { kind: 'escalate'; level: number };

/**
 * What paging owes an open incident now. A P1/P2 nobody has acknowledged is paged at once, paged again every
 * repeatPageMinutes, and escalated one level each escalateAfterMinutes without acknowledgement, up to the last level.
 */
export function pagingDue(incident: Incident, now: Date, levels: number): PagingStep {
  if (incident.status !== 'open' || !pages(incident.severity)) return { kind: 'none' };
  const rules = playbook[incident.severity];
  if (!incident.paging.lastPagedAt) return { kind: 'page', level: incident.paging.level, repeat: false };
  const sinceOpened = minutesBetween(incident.openedAt, now);
  const dueLevel = Math.min(levels, 1 + Math.floor(sinceOpened / rules.escalateAfterMinutes));
  if (dueLevel > incident.paging.level) return { kind: 'escalate', level: dueLevel };
  if (minutesBetween(incident.paging.lastPagedAt, now) >= rules.repeatPageMinutes)
    return { kind: 'page', level: incident.paging.level, repeat: true };
  return { kind: 'none' };
}

/**
 * Whether customers are texted now: a P1 still unresolved, nobody has sent or cancelled the notice, and the grace
 * period operations have to do it themselves is over (at most 15 minutes after opening, the playbook's limit).
 */
export function customerNoticeDue(incident: Incident, now: Date, graceMinutes: number): boolean {
  return (
    incident.severity === 'P1' &&
    incident.status !== 'resolved' &&
    !incident.customerNotice &&
    minutesBetween(incident.openedAt, now) >= Math.min(graceMinutes, 15)
  );
}

/** The status page's state for an incident's status (Statuspage's incident statuses). */
export function statusPageState(status: IncidentStatus): 'investigating' | 'identified' | 'monitoring' | 'resolved' {
  return status === 'open'
    ? 'investigating'
    : status === 'acknowledged'
      ? 'identified'
      : status === 'mitigated'
        ? 'monitoring'
        : 'resolved';
}

const minutes = (from: string, to: string | undefined) =>
  to === undefined ? undefined : Math.round(((Date.parse(to) - Date.parse(from)) / 60_000) * 10) / 10;

/** The post-incident report, as Markdown, from the record alone. */
export function postIncidentReport(incident: Incident, slaBreaches: number): string {
  const target = pages(incident.severity) ? playbook[incident.severity] : undefined;
  const ack = minutes(incident.openedAt, incident.acknowledgedAt);
  const row = (what: string, took: number | undefined, targetMinutes?: number) =>
    `| ${what} | ${took === undefined ? 'not reached' : `${took} min`} | ${targetMinutes === undefined ? '–' : `${targetMinutes} min`} | ${
      took === undefined || targetMinutes === undefined ? '–' : took <= targetMinutes ? 'met' : 'missed'
    } |`;
  return [
    `# Post-incident report: ${incident.id}`,
    '',
    `**${incident.title}** · severity ${incident.severity}${incident.severityOverride ? ` (set by ${incident.severityOverride.by}: ${incident.severityOverride.reason}; assessed ${incident.severityOverride.from})` : ''} · ${incident.status}`,
    '',
    `- Cause: ${incident.cause}`,
    `- Commander: ${incident.commander ?? 'none named'}`,
    `- Areas: ${incident.areas.join(', ') || 'all'}`,
    `- Customers affected: ${incident.customersAffected}; texted: ${incident.customerNotice?.state === 'sent' ? (incident.customerNotice.sent ?? 0) : 0}; told of the resolution: ${incident.resolutionNotice?.sent ?? 0}`,
    `- SLA breaches during the incident: ${slaBreaches}`,
    `- Alarms: ${incident.alarms.join(', ') || 'none'}`,
    '',
    '## Response against the playbook',
    '',
    '| Step | Took | Target | |',
    '| --- | --- | --- | --- |',
    row('Acknowledge', ack, target?.acknowledgeMinutes),
    row('Mitigate', minutes(incident.openedAt, incident.mitigatedAt)),
    row('Resolve', minutes(incident.openedAt, incident.resolvedAt)),
    '',
    '## Timeline (UTC)',
    '',
    '| When | Who | What |',
    '| --- | --- | --- |',
    ...incident.timeline.map(
      (e) => `| ${e.at.slice(0, 19).replace('T', ' ')} | ${e.by} | ${e.kind}: ${e.text.replaceAll('|', '\\|')} |`,
    ),
    '',
    '## Contributing factors',
    '',
    '_To be written by the incident commander._',
    '',
    '## Five whys',
    '',
    '1. Why? _…_',
    '2. Why? _…_',
    '3. Why? _…_',
    '4. Why? _…_',
    '5. Why? _…_',
    '',
  ].join('\n');
}
