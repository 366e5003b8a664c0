// The incident services on the internet, in the shapes their APIs take: PagerDuty's Events API v2 (paging),
// a Slack incoming webhook (chat) and Statuspage's incidents API (the public status page). Their credentials come
// from one Secrets Manager secret (IncidentIntegrations); their base URLs are settings, so tests and `npm start`
// point them at a local receiver that records every call.
import type { Incident } from '#shared/domain/incident.js';
import { statusPageState } from '#shared/domain/incident.js';
import type { ChatOps, Pager, StatusPage } from '#shared/ports/incidents.js';

export interface IncidentIntegrations {
  /** One PagerDuty integration (routing) key a level: [0] the primary on call, [1] the next, … */
  pagerDutyRoutingKeys: string[];
  slackWebhookUrl: string;
  statuspage: { pageId: string; apiKey: string };
}

export interface ServiceUrls {
  pagerDutyEventsUrl: string;
  statuspageApiUrl: string;
  /** What the page says is the source, and where a page links to (the incident on the live view). */
  source: string;
  incidentLink: (id: string) => string;
  timeoutMs: number;
}

async function send(url: string, init: RequestInit, timeoutMs: number, what: string): Promise<Response> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${what} answered ${response.status}`);
  return response;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The dedup key of a level's alert: one alert per incident and level, however often it is paged again. */
export const dedupKey = (incident: Pick<Incident, 'id'>, level: number) => `${incident.id}/L${level}`;

export class PagerDutyPager implements Pager {
  constructor(
    private readonly integrations: () => Promise<IncidentIntegrations>,
    private readonly urls: ServiceUrls,
  ) {}

  async page(incident: Incident, level: number, repeat: boolean): Promise<void> {
    const keys = (await this.integrations()).pagerDutyRoutingKeys;
    const routingKey = keys[Math.min(level, keys.length) - 1];
    if (!routingKey) throw new Error('no PagerDuty routing key is configured');
    await send(
      this.urls.pagerDutyEventsUrl,
      json({
        routing_key: routingKey,
        event_action: 'trigger',
        dedup_key: dedupKey(incident, level),
        payload: {
          summary:
            `${incident.id} ${incident.severity}: ${incident.title}${repeat ? ' (not yet acknowledged)' : ''}`.slice(
              0,
              1024,
            ),
          source: this.urls.source,
          severity: incident.severity === 'P1' ? 'critical' : 'error',
          timestamp: incident.openedAt,
          component: 'tyrehero-dispatch',
          custom_details: { incident: incident.id, level, cause: incident.cause, alarms: incident.alarms },
        },
        links: [{ href: this.urls.incidentLink(incident.id), text: `${incident.id} on the live view` }],
      }),
      this.urls.timeoutMs,
      'PagerDuty',
    );
  }

  async settle(incident: Incident, action: 'acknowledge' | 'resolve'): Promise<void> {
    const keys = (await this.integrations()).pagerDutyRoutingKeys;
    // Every level paged so far has its own alert.
    for (let level = 1; level <= Math.min(incident.paging.level, keys.length); level++)
      await send(
        this.urls.pagerDutyEventsUrl,
        json({ routing_key: keys[level - 1], event_action: action, dedup_key: dedupKey(incident, level) }),
        this.urls.timeoutMs,
        'PagerDuty',
      );
  }
}

export class SlackWebhookChat implements ChatOps {
  constructor(
    private readonly integrations: () => Promise<IncidentIntegrations>,
    private readonly timeoutMs: number,
  ) {}

  async post(text: string): Promise<void> {
    await send((await this.integrations()).slackWebhookUrl, json({ text }), this.timeoutMs, 'Slack');
  }
}

export class StatuspageIo implements StatusPage {
  constructor(
    private readonly integrations: () => Promise<IncidentIntegrations>,
    private readonly urls: ServiceUrls,
  ) {}

  private async call(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<Response> {
    const { statuspage } = await this.integrations();
    return send(
      `${this.urls.statuspageApiUrl}/pages/${encodeURIComponent(statuspage.pageId)}${path}`,
      {
        method,
        headers: { 'content-type': 'application/json', authorization: `OAuth ${statuspage.apiKey}` },
        body: JSON.stringify(body),
      },
      this.urls.timeoutMs,
      'Statuspage',
    );
  }

  async open(incident: Incident): Promise<{ id: string }> {
    const response = await this.call('POST', '/incidents', {
      incident: {
        name: 'Emergency dispatch: some requests may be delayed',
        status: statusPageState(incident.status),
        impact_override: incident.severity === 'P1' ? 'critical' : 'major',
        body: 'We are investigating a problem with our dispatch service. Requests for help are still being taken.',
      },
    });
    const created = (await response.json()) as { id?: unknown };
    if (typeof created.id !== 'string') throw new Error('Statuspage answered without an incident id');
    return { id: created.id };
  }

  async update(id: string, incident: Incident, body: string): Promise<void> {
    await this.call('PATCH', `/incidents/${encodeURIComponent(id)}`, {
      incident: { status: statusPageState(incident.status), body },
    });
  }
}
