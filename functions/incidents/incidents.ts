// The incidents function: the operations routes (GET/POST /ops/incidents, GET /ops/incidents/{id},
// POST /ops/incidents/{id}/{action}), the critical alarm topic's subscriber, and the minute tick that pages, repeats,
// escalates and texts. One function, one role and one composition for the whole playbook.
import type { APIGatewayProxyEvent, Context, SNSEvent } from 'aws-lambda';
import { loadConcerns } from '#shared/config/concern.js';
import { httpRoute, type HttpHandler } from '#shared/http/route.js';
import type { StaffRouteDeps } from '#shared/compose/http.js';
import { logger } from '#shared/powertools/logger.js';
import { scheduledJob, type ActiveRegionOnly } from '#shared/powertools/scheduled-job.js';
import { incidentConcerns, incidentDeps } from './compose.js';
import {
  actOnIncident,
  decideCustomerNotice,
  diagnose,
  fromAlarm,
  incidentReport,
  outageAlarmRegion,
  openIncident,
  tickIncidents,
  validateRecovery,
  type AlarmNotification,
  type IncidentDeps,
} from './respond.js';
import {
  EndSurgeBody,
  IncidentActionPath,
  IncidentIdPath,
  IncidentStepBody,
  OpenIncidentBody,
  StartSurgeBody,
} from './schemas.js';
import { beginSurge, endSurge, settleSurge, type SurgeDeps } from './surge.js';

type Deps = IncidentDeps & SurgeDeps & StaffRouteDeps & ActiveRegionOnly;

export function makeHandler(deps: Deps) {
  const auth = { verifier: deps.verifier, role: 'operations' as const };
  const routes: Record<string, HttpHandler> = {
    'GET /ops/incidents': httpRoute({ http: deps.http, auth }, async () => ({
      status: 200,
      body: { open: (await deps.incidents.listOpen()).map((s) => s.incident) },
    })),
    'POST /ops/incidents': httpRoute({ http: deps.http, auth, body: OpenIncidentBody }, async ({ body, principal }) => {
      const opened = await openIncident(deps, {
        // Opened by hand: its own incident, never joined to another.
        cause: `manual:${principal!.subject}:${deps.clock.now().toISOString()}`,
        title: body.title,
        severity: body.severity,
        by: principal!.subject,
        areas: body.areas,
        customersAffected: body.customersAffected,
      });
      return { status: 201, body: opened.incident };
    }),
    'GET /ops/incidents/{id}': httpRoute({ http: deps.http, auth, params: IncidentIdPath }, async ({ params }) => {
      const report = await incidentReport(deps, params.id);
      return { status: 200, body: { incident: (await deps.incidents.get(params.id))!.incident, report } };
    }),
    'POST /ops/incidents/{id}/{action}': httpRoute(
      { http: deps.http, auth, params: IncidentActionPath, body: IncidentStepBody },
      async ({ params, body, principal }) => {
        const by = principal!.subject;
        switch (params.action) {
          case 'diagnose':
            return { status: 200, body: await diagnose(deps, params.id, by) };
          case 'validate':
            return { status: 200, body: await validateRecovery(deps, params.id, by) };
          case 'notify-customers':
            return { status: 200, body: await decideCustomerNotice(deps, params.id, by, 'send') };
          case 'cancel-customer-notice':
            return { status: 200, body: await decideCustomerNotice(deps, params.id, by, 'cancel') };
          default:
            return { status: 200, body: await actOnIncident(deps, params.id, { action: params.action, by, ...body }) };
        }
      },
    ),
    'POST /ops/surge': httpRoute({ http: deps.http, auth, body: StartSurgeBody }, async ({ body, principal }) => ({
      status: 201,
      body: await beginSurge(deps, body, principal!.subject),
    })),
    'DELETE /ops/surge': httpRoute({ http: deps.http, auth, body: EndSurgeBody }, async ({ body, principal }) => ({
      status: 200,
      body: await endSurge(deps, principal!.subject, body.reason),
    })),
  };
  const tick = scheduledJob(async () => {
    const surge = await settleSurge(deps).catch((error: unknown) => {
      logger.error('surge mode could not be settled', { error });
      return undefined;
    });
    return { ...(await tickIncidents(deps)), ...(surge ? { surgeEnded: surge.surge.until } : {}) };
  }, deps);

  return async (event: APIGatewayProxyEvent | SNSEvent | Record<string, unknown>, context: Context) => {
    if ('httpMethod' in event && 'resource' in event) {
      const route = routes[`${String(event.httpMethod)} ${String(event.resource)}`];
      if (!route) throw new Error(`no incidents route for ${String(event.httpMethod)} ${String(event.resource)}`);
      return route(event as APIGatewayProxyEvent, context);
    }
    if ('Records' in event && Array.isArray(event.Records)) {
      // CloudWatch alarms on the critical topic: each record one alarm's state change.
      const opened = [];
      for (const record of (event as SNSEvent).Records) {
        const alarm = JSON.parse(record.Sns.Message) as AlarmNotification;
        // An outage alarm about the standby region is its /health answering 503 by design: nobody is paged for it.
        const outage = outageAlarmRegion(alarm.AlarmName);
        if (outage && deps.regionRole && outage !== (await deps.regionRole.activeRegion())) {
          logger.info('outage alarm for the standby region: its /health refuses by design', { alarm: alarm.AlarmName });
          opened.push(undefined);
          continue;
        }
        opened.push((await fromAlarm(deps, alarm))?.id);
      }
      logger.info('alarms handled', { incidents: opened });
      return { incidents: opened };
    }
    if ('surge' in event) {
      // From the console: {"surge": {"hours": 4, "reason": "…", "operator": "…"}}, or {"surge": "end", "reason": "…", "operator": "…"}.
      const { surge, operator, reason } = event as { surge: unknown; operator?: unknown; reason?: unknown };
      const by = typeof operator === 'string' && operator.trim() ? `console:${operator.trim()}` : '';
      if (!by)
        return { error: 'Say who you are: add "operator": "<your name>" (it goes on the incidents\' timelines).' };
      if (surge === 'end') {
        const parsed = EndSurgeBody.safeParse({ reason });
        if (!parsed.success) return { error: parsed.error.issues.map((i) => i.message).join('; ') };
        return endSurge(deps, by, parsed.data.reason).catch((error: Error) => ({ error: error.message }));
      }
      const parsed = StartSurgeBody.safeParse(surge);
      if (!parsed.success) return { error: parsed.error.issues.map((i) => i.message).join('; ') };
      return beginSurge(deps, parsed.data, by);
    }
    return tick(event, context);
  };
}

export const handler = makeHandler(incidentDeps(loadConcerns([...incidentConcerns])));
