// Incident response's settings: who is paged at each level, which alarms are P1, how long operations have to send
// or cancel the customer notice themselves, and where the paging, chat and status-page services are.
import * as z from 'zod';
import { concern, field, int, json, list, oneOf, optionalText, text } from '#shared/config/concern.js';

const Levels = z
  .array(z.object({ name: z.string().min(1), people: z.array(z.string().min(1)).min(1) }).strict())
  .min(1, 'at least one escalation level');

export const incidentsConcern = concern(
  'incidents',
  {
    INCIDENT_ESCALATION_LEVELS: field(
      json(Levels),
      'The escalation policy, level by level (JSON: [{"name", "people"}]): level 1 is paged at once, the next after each 15 minutes nobody acknowledges. Each level is paged through its own PagerDuty routing key, in the same order, in the integrations secret.',
      '[{"name":"primary on call","people":["dispatch-oncall"]},{"name":"engineering manager","people":["dispatch-engineering-manager"]}]',
    ),
    INCIDENT_P1_ALARMS: field(
      list,
      'Alarms (names, comma-separated; * matches any characters) that open a P1; any other alarm on the critical topic opens a P2.',
      '',
    ),
    INCIDENT_CUSTOMER_NOTICE_GRACE_MINUTES: field(
      int(0).refine((n) => n <= 15, 'at most 15: the playbook texts customers within 15 minutes of a P1'),
      'Minutes after a P1 opens before the system texts customers itself, unless operations sent or cancelled the notice first.',
      '10',
    ),
    INCIDENT_INTEGRATIONS: field(
      oneOf(['log', 'services'] as const),
      'log: pages, chat and status page only logged (local stages); services: PagerDuty, Slack and Statuspage, with the credentials in INCIDENT_INTEGRATIONS_SECRET_ID.',
      'log',
    ),
    INCIDENT_INTEGRATIONS_SECRET_ID: field(
      optionalText,
      'Secrets Manager secret (JSON: pagerDutyRoutingKeys[], slackWebhookUrl, statuspage {pageId, apiKey}).',
    ),
    SURGE_RESCALE_FUNCTION_NAME: field(
      optionalText,
      'Weather scaling, asked to run at once when surge mode starts or ends (unset: its next scheduled run applies it).',
    ),
    PAGERDUTY_EVENTS_URL: field(text, "PagerDuty's Events API v2 endpoint.", 'https://events.pagerduty.com/v2/enqueue'),
    STATUSPAGE_API_URL: field(text, "Statuspage's API base.", 'https://api.statuspage.io/v1'),
  },
  (o) =>
    o
      .refine((c) => c.INCIDENT_INTEGRATIONS === 'log' || c.INCIDENT_INTEGRATIONS_SECRET_ID, {
        message: 'INCIDENT_INTEGRATIONS=services needs INCIDENT_INTEGRATIONS_SECRET_ID',
        path: ['INCIDENT_INTEGRATIONS_SECRET_ID'],
      })
      .transform((c) => ({
        levels: c.INCIDENT_ESCALATION_LEVELS,
        p1Alarms: c.INCIDENT_P1_ALARMS,
        customerNoticeGraceMinutes: c.INCIDENT_CUSTOMER_NOTICE_GRACE_MINUTES,
        integrations: c.INCIDENT_INTEGRATIONS,
        integrationsSecretId: c.INCIDENT_INTEGRATIONS_SECRET_ID,
        pagerDutyEventsUrl: c.PAGERDUTY_EVENTS_URL,
        statuspageApiUrl: c.STATUSPAGE_API_URL,
        rescaleFunctionName: c.SURGE_RESCALE_FUNCTION_NAME,
      })),
);
