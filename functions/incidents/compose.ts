// Incident response's composition: the store, the services, and what it takes from other features (operations'
// incident broadcast for customer texts, the platform's deep health check for diagnostics, disaster recovery's drill
// for the recovery validation).
import { resolvedText } from '#shared/domain/incident-broadcast.js';
import type { CustomerNotices } from '#shared/ports/incidents.js';
import { broadcastIncident, type BroadcastDeps } from '#functions/operations/index.js';
import type { ConfigOf } from '#shared/config/concern.js';
import { authConcern } from '#shared/config/auth.js';
import { routeConcerns } from '#shared/config/http.js';
import { smsConcern } from '#shared/config/sms.js';
import { DynamoIncidentStore } from '#shared/adapters/dynamodb/incident-store.js';
import {
  PagerDutyPager,
  SlackWebhookChat,
  StatuspageIo,
  type IncidentIntegrations,
} from '#shared/adapters/incidents/http-services.js';
import { PostgresIncidentBroadcasts } from '#shared/adapters/postgres/incident-broadcasts.js';
import { PostgresSlaBreaches } from '#shared/adapters/postgres/sla-breaches.js';
import { notifier } from '#shared/compose/notifier.js';
import { secrets } from '#shared/adapters/secrets/provider.js';
import { systemClock } from '#shared/adapters/system.js';
import { tokenVerifier, type StaffRouteDeps } from '#shared/compose/http.js';
import { regionRole, standbyAwareHttpSettings } from '#shared/compose/active-region.js';
import { activeRegionConcern } from '#shared/config/active-region.js';
import type { ActiveRegionOnly } from '#shared/powertools/scheduled-job.js';
import { smsContinuity } from '#shared/compose/sms-continuity.js';
import { guardSms } from '#shared/compose/protection.js';
import { logger } from '#shared/powertools/logger.js';
import type { ChatOps, Pager, StatusPage } from '#shared/ports/incidents.js';
import type { Log } from '#shared/ports/logger.js';
import { drillConcerns, drillParts, parseDrillInput, runDrill } from '#functions/disaster-recovery/index.js';
import { healthProbes, probeConcerns } from '#shared/compose/health-probes.js';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoSurgeStore } from '#shared/adapters/dynamodb/surge.js';
import { invokeAsync } from '#shared/adapters/lambda/event-invoker.js';
import { namingUnreachable, sdkClientOptions } from '#shared/adapters/sdk-client-options.js';
import { weatherConcern } from '#functions/weather-scaling/index.js';
import { incidentsConcern } from './config.js';
import type { SurgeDeps } from './surge.js';
import { probeAll, type IncidentDeps } from './respond.js';

/**
 * Customer texts through operations' incident broadcast: every customer with an open request, once per notice (its
 * claims), through the SMS guard, caps and fallback, never to the test fleet.
 */
export const customerNotices = (deps: BroadcastDeps): CustomerNotices => ({
  async send(incidentId, kind, areas) {
    const report = await broadcastIncident(
      deps,
      // The resolution is its own notice: its own claims, so each customer hears it once too.
      { incidentId: kind === 'resolved' ? `${incidentId}-resolved` : incidentId, send: true },
      kind === 'resolved' ? resolvedText : undefined,
      areas,
    );
    return { recipients: report.recipients + report.alreadyNotified, sent: report.sent, failed: report.failed.length };
  },
});

export const incidentConcerns = [
  ...drillConcerns,
  // The service's regions: an incident's areas, by which customers are texted.
  weatherConcern,
  ...probeConcerns,
  smsConcern,
  incidentsConcern,
  activeRegionConcern,
  authConcern,
  ...routeConcerns,
] as const;
type IncidentConfig = ConfigOf<(typeof incidentConcerns)[number]>;

/** Stages without the services (INCIDENT_INTEGRATIONS=log) log what would have been paged, posted or published. */
function loggedServices(log: Log): { pager: Pager; chat: ChatOps; statusPage: StatusPage } {
  return {
    pager: {
      page: (incident, level, repeat) =>
        Promise.resolve(
          log.warn('incident page (not sent: INCIDENT_INTEGRATIONS=log)', { incident: incident.id, level, repeat }),
        ),
      settle: (incident, action) =>
        Promise.resolve(log.info('incident page settled (log only)', { incident: incident.id, action })),
    },
    chat: { post: (text) => Promise.resolve(log.info('incident chat (log only)', { text })) },
    statusPage: {
      open: (incident) => {
        log.info('status page opened (log only)', { incident: incident.id });
        return Promise.resolve({ id: `log-${incident.id}` });
      },
      update: (id, incident) =>
        Promise.resolve(log.info('status page updated (log only)', { id, status: incident.status })),
    },
  };
}

export function incidentDeps(config: IncidentConfig): IncidentDeps & SurgeDeps & StaffRouteDeps & ActiveRegionOnly {
  // One pool, one set of DynamoDB clients and one phone protection for the whole function: the drill's.
  const {
    deps: drill,
    pool: sqlPool,
    tables,
    phones,
    requests,
    rateLimits,
    syntheticNotifications,
  } = drillParts(config);
  const integrations = config.incidents;
  const load = async (): Promise<IncidentIntegrations> =>
    (await secrets().get(integrations.integrationsSecretId!, {
      transform: 'json',
      maxAge: 300,
    })) as IncidentIntegrations;
  const urls = {
    pagerDutyEventsUrl: integrations.pagerDutyEventsUrl,
    statuspageApiUrl: integrations.statuspageApiUrl,
    source: `tyrehero-dispatch-${config.region}`,
    incidentLink: (id: string) => `${config.links.publicBaseUrl}/ops/live#incident=${encodeURIComponent(id)}`,
    timeoutMs: 3000,
  };
  const services =
    integrations.integrations === 'services'
      ? {
          pager: new PagerDutyPager(load, urls),
          chat: new SlackWebhookChat(load, 3000),
          statusPage: new StatuspageIo(load, urls),
        }
      : loggedServices(logger);
  const probes = healthProbes(config, { requests, dynamodb: tables.client });
  return {
    incidents: new DynamoIncidentStore(tables.documents, config.tables.scalingState),
    surges: new DynamoSurgeStore(tables.documents, config.tables.scalingState),
    ...(integrations.rescaleFunctionName
      ? {
          rescale: invokeAsync(
            namingUnreachable(
              new LambdaClient({
                region: config.region,
                ...sdkClientOptions('request'),
                // npm start: serverless-offline's Lambda API (AWS_ENDPOINT_URL_LAMBDA) accepts any credentials; fixed
                // ones keep the local stack from reading ~/.aws, as DynamoDB Local's client does.
                ...(process.env.AWS_ENDPOINT_URL_LAMBDA?.startsWith('http://localhost')
                  ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
                  : {}),
              }),
            ),
            integrations.rescaleFunctionName,
          ),
        }
      : {}),
    ...services,
    areas: config.weather.regions.map((r) => r.name),
    customers: customerNotices({
      regions: config.weather.regions,
      broadcasts: new PostgresIncidentBroadcasts(sqlPool, phones),
      notifier: notifier(config, logger, syntheticNotifications, {
        real: smsContinuity(config, logger),
        guard: (outbound) =>
          guardSms(outbound, { pool: sqlPool, phones, rateLimits, clock: systemClock, log: logger, config }),
      }),
      clock: systemClock,
      log: logger,
    }),
    clock: systemClock,
    log: logger,
    policy: {
      levels: integrations.levels,
      customerNoticeGraceMinutes: integrations.customerNoticeGraceMinutes,
      p1Alarms: integrations.p1Alarms,
    },
    // A fixed wait a probe: diagnostics are read by a person, not on the request path.
    diagnostics: () => probeAll(probes, 2000, systemClock),
    validateRecovery: async () => {
      const report = (await runDrill(drill, parseDrillInput({ dryRun: false, operator: 'incident-validation' }))) as {
        outcome: string;
        error?: string;
        result?: { failures: string[]; reference?: string };
      };
      return {
        passed: report.outcome === 'succeeded',
        detail:
          report.error ??
          (report.result?.failures.length
            ? report.result.failures.join('; ')
            : `${report.result?.reference ?? 'drill'} ${report.outcome}`),
      };
    },
    slaBreaches: (from, to) => new PostgresSlaBreaches(sqlPool).count(from, to),
    verifier: tokenVerifier(config),
    // In the standby region the routes answer 503 + Retry-After and the tick skips: the record is global, and only
    // the active region pages, escalates and texts.
    http: standbyAwareHttpSettings(config, tables.documents),
    regionRole: regionRole(config, tables.documents),
  };
}
