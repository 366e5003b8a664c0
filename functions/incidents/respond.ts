// Incident response by the system: an incident opened by an alarm (or the assessor, or a person), paged and escalated
// until someone acknowledges it, a status page kept in step, customers told once and told again at the end,
// diagnostics and a recovery validation on its timeline, and the report at the end.
import { Conflict, NotFound, ValidationError } from '#shared/domain/errors.js';
import {
  actionAllowed,
  customerNoticeDue,
  incidentId,
  nextStatus,
  pages,
  pagingDue,
  postIncidentReport,
  statusPageState,
  type Incident,
  type IncidentAction,
  type TimelineEvent,
} from '#shared/domain/incident.js';
import type { Severity } from '#shared/domain/incident-severity.js';
import type { Clock } from '#shared/ports/clock.js';
import type {
  ChatOps,
  CustomerNotices,
  DiagnosticsReport,
  EscalationLevel,
  IncidentStore,
  Pager,
  StatusPage,
  StoredIncident,
} from '#shared/ports/incidents.js';
import type { DependencyProbe } from '#shared/ports/dependency-probe.js';
import type { Log } from '#shared/ports/logger.js';

export interface IncidentDeps {
  incidents: IncidentStore;
  pager: Pager;
  chat: ChatOps;
  statusPage: StatusPage;
  customers: CustomerNotices;
  clock: Clock;
  log: Log;
  policy: {
    levels: EscalationLevel[];
    /** Minutes operations have to send or cancel the customer notice themselves before the system sends it (≤ 15). */
    customerNoticeGraceMinutes: number;
    /** Alarms (by name, on the critical topic) that open a P1; every other critical alarm opens a P2. */
    p1Alarms: string[];
  };
  /** The service's areas (its regions' names): an incident's `areas` must be among them. */
  areas?: readonly string[];
  diagnostics(): Promise<DiagnosticsReport>;
  /** The synthetic job end to end on the test fleet (drDrill's run): passed, and what happened. */
  validateRecovery(): Promise<{ passed: boolean; detail: string }>;
  /** Requests whose 90-minute promise was broken between these times (the report's SLA breaches). */
  slaBreaches(from: Date, to: Date): Promise<number>;
}

export interface OpenInput {
  cause: string;
  title: string;
  severity: Severity;
  by: string;
  areas?: string[];
  customersAffected?: number;
  alarm?: string;
}

const notFound = () => new NotFound('No incident with this id. The live view lists the open ones.');

function event(
  deps: Pick<IncidentDeps, 'clock'>,
  by: string,
  kind: TimelineEvent['kind'],
  text: string,
  data?: Record<string, unknown>,
) {
  return { at: deps.clock.now().toISOString(), by, kind, text, ...(data ? { data } : {}) };
}

/** Reads, changes and saves an incident, reading again when someone else saved it in between. */
async function change(
  deps: Pick<IncidentDeps, 'incidents'>,
  id: string,
  apply: (incident: Incident) => Incident | Promise<Incident>,
): Promise<Incident> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const stored = await deps.incidents.get(id);
    if (!stored) throw notFound();
    const next = await apply(structuredClone(stored.incident));
    if (await deps.incidents.save(next, stored.version)) return next;
  }
  throw new Conflict('The incident kept changing while this was saved. Reload it and try again.');
}

/** Notes an event on every unresolved incident's timeline (a surge starting or ending); returns their ids. */
export async function noteOnOpenIncidents(
  deps: Pick<IncidentDeps, 'incidents' | 'clock'>,
  by: string,
  kind: TimelineEvent['kind'],
  text: string,
): Promise<string[]> {
  const open = await deps.incidents.listOpen();
  for (const { incident } of open)
    await change(deps, incident.id, (i) => {
      i.timeline.push(event(deps, by, kind, text));
      return i;
    });
  return open.map((s) => s.incident.id);
}

/** Runs a side effect (page, status page, chat); a failure is on the timeline and retried by the tick, never thrown. */
async function attempt(deps: IncidentDeps, what: string, run: () => Promise<void>): Promise<TimelineEvent | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    deps.log.warn('incident side effect failed', { what, reason });
    return event(deps, 'system', 'failed', `${what} failed: ${reason}`);
  }
}

/** Opens an incident, or joins the one already open for the same cause; a P1/P2 pages and opens the status page at once. */
export async function openIncident(
  deps: IncidentDeps,
  input: OpenInput,
): Promise<{ incident: Incident; joined: boolean }> {
  const now = deps.clock.now();
  const unknown = (input.areas ?? []).filter((a) => deps.areas && !deps.areas.includes(a));
  if (unknown.length)
    throw new ValidationError(
      `Unknown area${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: the areas are ${deps.areas!.join(', ')} (none means everywhere).`,
    );
  const draft: Incident = {
    id: incidentId(now),
    title: input.title,
    cause: input.cause,
    severity: input.severity,
    status: 'open',
    areas: input.areas ?? [],
    customersAffected: input.customersAffected ?? 0,
    openedAt: now.toISOString(),
    paging: { level: 1, pages: 0 },
    alarms: input.alarm ? [input.alarm] : [],
    timeline: [event(deps, input.by, 'opened', `${input.severity}: ${input.title}`)],
  };
  const opened = await deps.incidents.openOrJoin(draft);
  if (opened.joined) {
    const incident = await change(deps, opened.incident.id, (i) => {
      if (input.alarm && !i.alarms.includes(input.alarm)) i.alarms.push(input.alarm);
      i.timeline.push(event(deps, input.by, 'joined', `${input.title}${input.alarm ? ` (alarm ${input.alarm})` : ''}`));
      return i;
    });
    return { incident, joined: true };
  }
  if (pages(opened.incident.severity)) {
    await deps.chat
      .post(`:rotating_light: ${opened.incident.id} opened, ${opened.incident.severity}: ${opened.incident.title}`)
      .catch(() => undefined);
    await tickOne(deps, opened.incident.id);
  }
  return { incident: (await deps.incidents.get(opened.incident.id))!.incident, joined: false };
}

/** What paging, the status page and the customer notice owe one incident now; done and recorded. */
async function tickOne(deps: IncidentDeps, id: string): Promise<void> {
  const now = deps.clock.now();
  const levels = Math.max(1, deps.policy.levels.length);
  await change(deps, id, async (incident) => {
    const step = pagingDue(incident, now, levels);
    if (step.kind !== 'none') {
      const level = step.level;
      const failure = await attempt(deps, `paging level ${level}`, () =>
        deps.pager.page(incident, level, step.kind === 'page' && step.repeat),
      );
      if (failure) incident.timeline.push(failure);
      else {
        incident.paging = { level, lastPagedAt: now.toISOString(), pages: incident.paging.pages + 1 };
        const who = deps.policy.levels[level - 1];
        incident.timeline.push(
          event(
            deps,
            'system',
            step.kind === 'escalate' ? 'escalated' : 'paged',
            `${step.kind === 'escalate' ? 'escalated to' : step.repeat ? 'paged again' : 'paged'} level ${level}${who ? ` (${who.name}: ${who.people.join(', ')})` : ''}`,
          ),
        );
      }
    }
    if (pages(incident.severity) && !incident.statusPage && incident.status !== 'resolved') {
      let opened: { id: string } | undefined;
      const failure = await attempt(deps, 'opening the status page', async () => {
        opened = await deps.statusPage.open(incident);
      });
      if (failure) incident.timeline.push(failure);
      else if (opened) {
        incident.statusPage = { id: opened.id, status: statusPageState(incident.status) };
        incident.timeline.push(
          event(deps, 'system', 'status-page', `status page incident ${opened.id} opened: investigating`),
        );
      }
    }
    if (customerNoticeDue(incident, now, deps.policy.customerNoticeGraceMinutes)) {
      try {
        const result = await deps.customers.send(incident.id, 'incident', incident.areas);
        incident.customerNotice = { state: 'sent', at: now.toISOString(), by: 'system', sent: result.sent };
        incident.customersAffected = Math.max(incident.customersAffected, result.recipients);
        incident.timeline.push(
          event(
            deps,
            'system',
            'customers-texted',
            `${result.sent} customers with an open request texted (${result.failed} failed)`,
          ),
        );
      } catch (error) {
        // The phone numbers are in PostgreSQL: while it is the incident, the notice waits, and is tried every tick.
        incident.timeline.push(
          event(
            deps,
            'system',
            'failed',
            `texting customers failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      }
    }
    return incident;
  });
}

/** The scheduled tick (every minute): pages, repeats, escalations, status pages and customer notices due now. */
export async function tickIncidents(deps: IncidentDeps): Promise<{ incidents: number }> {
  const open = await deps.incidents.listOpen();
  for (const { incident } of open) {
    try {
      await tickOne(deps, incident.id);
    } catch (error) {
      deps.log.error('incident tick failed', { incident: incident.id, error });
    }
  }
  return { incidents: open.length };
}

export interface ActInput {
  action: IncidentAction;
  by: string;
  note?: string;
  severity?: Severity;
  reason?: string;
  commander?: string;
}

/** A person's step: acknowledge, update (a note, a severity change), mitigate, resolve. 409 when not allowed now. */
export async function actOnIncident(deps: IncidentDeps, id: string, input: ActInput): Promise<Incident> {
  let statusChanged = false;
  const incident = await change(deps, id, (i) => {
    if (!actionAllowed(input.action, i.status))
      throw new Conflict(
        `This incident is ${i.status}: it cannot be ${input.action === 'update' ? 'updated' : `${input.action}d`} now.`,
        {
          currentStatus: i.status,
        },
      );
    if (input.action === 'resolve' && !i.validation?.passed)
      throw new Conflict(
        'Run the recovery validation first (POST …/validate): an incident is resolved only once the synthetic job passes.',
        { currentStatus: i.status },
      );
    const now = deps.clock.now().toISOString();
    if (input.commander) i.commander = input.commander;
    if (input.action === 'update') {
      if (input.severity && input.severity !== i.severity) {
        if (!input.reason) throw new ValidationError('A severity change needs a reason.');
        i.severityOverride = { by: input.by, reason: input.reason, from: i.severityOverride?.from ?? i.severity };
        i.timeline.push(
          event(deps, input.by, 'severity-changed', `${i.severity} → ${input.severity}: ${input.reason}`),
        );
        i.severity = input.severity;
      }
      if (input.note) i.timeline.push(event(deps, input.by, 'updated', input.note));
      if (!input.note && !input.severity) throw new ValidationError('An update needs a note or a new severity.');
      return i;
    }
    i.status = nextStatus(input.action, i.status);
    statusChanged = true;
    if (input.action === 'acknowledge') {
      i.acknowledgedAt = now;
      i.commander ??= input.by;
    }
    if (input.action === 'mitigate') i.mitigatedAt = now;
    if (input.action === 'resolve') i.resolvedAt = now;
    i.timeline.push(
      event(
        deps,
        input.by,
        input.action === 'acknowledge' ? 'acknowledged' : input.action === 'mitigate' ? 'mitigated' : 'resolved',
        input.note ?? '',
      ),
    );
    return i;
  });
  if (statusChanged) await afterStatusChange(deps, incident, input.by);
  return (await deps.incidents.get(id))?.incident ?? incident;
}

/** The paging service, the status page, chat and (on resolution) customers follow a status change. */
async function afterStatusChange(deps: IncidentDeps, incident: Incident, by: string): Promise<void> {
  const failures: TimelineEvent[] = [];
  const push = (f: TimelineEvent | undefined) => f && failures.push(f);
  if (incident.status === 'acknowledged' || incident.status === 'resolved')
    push(
      await attempt(deps, 'telling the paging service', () =>
        deps.pager.settle(incident, incident.status === 'resolved' ? 'resolve' : 'acknowledge'),
      ),
    );
  if (incident.statusPage)
    push(
      await attempt(deps, 'updating the status page', () =>
        deps.statusPage.update(
          incident.statusPage!.id,
          incident,
          `${incident.title}: ${statusPageState(incident.status)}.`,
        ),
      ),
    );
  push(
    await attempt(deps, 'posting to chat', () =>
      deps.chat.post(`${incident.id} ${incident.status} by ${by}: ${incident.title}`),
    ),
  );
  let resolution: Incident['resolutionNotice'];
  if (incident.status === 'resolved' && incident.customerNotice?.state === 'sent') {
    try {
      const result = await deps.customers.send(incident.id, 'resolved', incident.areas);
      resolution = { at: deps.clock.now().toISOString(), sent: result.sent };
    } catch (error) {
      failures.push(
        event(
          deps,
          'system',
          'failed',
          `the resolution text failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }
  }
  await change(deps, incident.id, (i) => {
    if (i.statusPage) i.statusPage.status = statusPageState(i.status);
    if (resolution) {
      i.resolutionNotice = resolution;
      i.timeline.push(event(deps, 'system', 'customers-texted', `${resolution.sent} customers told it is resolved`));
    }
    i.timeline.push(...failures);
    return i;
  });
}

/** Operations send the customer notice themselves now, or cancel it (the system then never sends it). */
export async function decideCustomerNotice(
  deps: IncidentDeps,
  id: string,
  by: string,
  decision: 'send' | 'cancel',
): Promise<Incident> {
  const stored = await deps.incidents.get(id);
  if (!stored) throw notFound();
  if (stored.incident.customerNotice)
    throw new Conflict(
      `Customers were already ${stored.incident.customerNotice.state === 'sent' ? 'texted' : 'kept from being texted'} for this incident.`,
      {
        currentStatus: stored.incident.status,
      },
    );
  const result = decision === 'send' ? await deps.customers.send(id, 'incident', stored.incident.areas) : undefined;
  return change(deps, id, (i) => {
    i.customerNotice = {
      state: decision === 'send' ? 'sent' : 'cancelled',
      at: deps.clock.now().toISOString(),
      by,
      ...(result ? { sent: result.sent } : {}),
    };
    i.timeline.push(
      decision === 'send'
        ? event(
            deps,
            by,
            'customers-texted',
            `${result!.sent} customers with an open request texted (${result!.failed} failed)`,
          )
        : event(deps, by, 'customer-notice-cancelled', 'customers will not be texted about this incident'),
    );
    return i;
  });
}

/** Every dependency probed at once, each with its verdict and latency (what GET /ops/health probes). */
export async function probeAll(probes: DependencyProbe[], timeoutMs: number, clock: Clock): Promise<DiagnosticsReport> {
  const checks = await Promise.all(
    probes.map(async (probe) => {
      if (probe.notUsed !== undefined) return { name: probe.name, verdict: 'not-used', detail: probe.notUsed };
      const started = clock.now().getTime();
      try {
        await Promise.race([
          probe.check(timeoutMs),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs).unref()),
        ]);
        return { name: probe.name, verdict: 'reachable', latencyMs: clock.now().getTime() - started };
      } catch (error) {
        const detail = error instanceof Error ? (error.message === 'timed out' ? 'timed out' : error.name) : 'failed';
        return { name: probe.name, verdict: 'unreachable', latencyMs: clock.now().getTime() - started, detail };
      }
    }),
  );
  const down = checks.filter((c) => c.verdict === 'unreachable').map((c) => c.name);
  const essential = down.some((n) => /^(postgresql|dynamodb|kms):/.test(n));
  return { verdict: down.length === 0 ? 'healthy' : essential ? 'unhealthy' : 'degraded', checks };
}

/** Diagnostics over every dependency, on the timeline. */
export async function diagnose(deps: IncidentDeps, id: string, by: string): Promise<DiagnosticsReport> {
  const report = await deps.diagnostics();
  await change(deps, id, (i) => {
    const failing = report.checks.filter(
      (c) => c.verdict !== 'reachable' && c.verdict !== 'ok' && c.verdict !== 'not-used',
    );
    i.timeline.push(
      event(
        deps,
        by,
        'diagnostics',
        `${report.verdict}${failing.length ? `: ${failing.map((c) => `${c.name} ${c.verdict}`).join(', ')}` : ''}`,
        {
          checks: report.checks,
        },
      ),
    );
    return i;
  });
  return report;
}

/** The recovery validation: the synthetic job on the test fleet, its verdict on the timeline. */
export async function validateRecovery(deps: IncidentDeps, id: string, by: string): Promise<Incident> {
  const stored = await deps.incidents.get(id);
  if (!stored) throw notFound();
  let result: { passed: boolean; detail: string };
  try {
    result = await deps.validateRecovery();
  } catch (error) {
    result = { passed: false, detail: error instanceof Error ? error.message : String(error) };
  }
  return change(deps, id, (i) => {
    i.validation = { passed: result.passed, at: deps.clock.now().toISOString(), detail: result.detail };
    i.timeline.push(event(deps, by, 'validation', `${result.passed ? 'passed' : 'FAILED'}: ${result.detail}`));
    return i;
  });
}

export async function incidentReport(deps: IncidentDeps, id: string): Promise<string> {
  const stored = await deps.incidents.get(id);
  if (!stored) throw notFound();
  const { incident } = stored;
  const breaches = await deps
    .slaBreaches(new Date(incident.openedAt), incident.resolvedAt ? new Date(incident.resolvedAt) : deps.clock.now())
    .catch(() => NaN);
  return postIncidentReport(incident, breaches);
}

/** A configured alarm name, where `*` stands for any run of characters (a region, in the outage alarms' names). */
const namePattern = (name: string) =>
  new RegExp(
    `^${name
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

/**
 * The us-east-1 outage alarm names the region whose /health Route 53 cannot get (`…-<region>-ApiHealthCheckFailed`).
 * The standby region answers 503 to /health by design, so its alarm is no incident; the active region's is (a P1).
 */
export function outageAlarmRegion(alarmName: string): string | undefined {
  return /-([a-z]{2}(?:-[a-z]+)+-\d)-ApiHealthCheckFailed$/.exec(alarmName)?.[1];
}

/** A CloudWatch alarm's SNS notification, as the topic delivers it. */
export interface AlarmNotification {
  AlarmName: string;
  AlarmDescription?: string | null;
  NewStateValue: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  NewStateReason?: string;
  StateChangeTime?: string;
}

/** An alarm on the critical topic: ALARM opens (or joins) its incident; OK is noted on the open one, never resolves it. */
export async function fromAlarm(
  deps: IncidentDeps,
  alarm: AlarmNotification,
): Promise<StoredIncident['incident'] | undefined> {
  const cause = `alarm:${alarm.AlarmName}`;
  if (alarm.NewStateValue !== 'ALARM') {
    const open = (await deps.incidents.listOpen()).find((s) => s.incident.alarms.includes(alarm.AlarmName));
    if (!open) return undefined;
    return change(deps, open.incident.id, (i) => {
      i.timeline.push(event(deps, alarm.AlarmName, 'alarm', `${alarm.AlarmName} is ${alarm.NewStateValue}`));
      return i;
    });
  }
  const severity: Severity = deps.policy.p1Alarms.some((p) => namePattern(p).test(alarm.AlarmName)) ? 'P1' : 'P2';
  const { incident } = await openIncident(deps, {
    cause,
    title: alarm.AlarmDescription || alarm.AlarmName,
    severity,
    by: alarm.AlarmName,
    alarm: alarm.AlarmName,
  });
  return incident;
}

export const isIncidentAction = (value: string): value is IncidentAction =>
  value === 'acknowledge' || value === 'update' || value === 'mitigate' || value === 'resolve';
