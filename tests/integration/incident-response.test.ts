// The incident playbook run by the system, end to end on the real engines and a simulated clock: PostgreSQL freezes
// and an alarm fires; an incident opens and pages the on-call; nobody acknowledges and it escalates at 15 minutes;
// the status page opens; customers with an open request are texted once (as soon as their numbers can be read);
// PostgreSQL thaws and the recovery validation passes; the incident resolves, the follow-up text goes, and the report
// is generated. PagerDuty, Slack and Statuspage are a real local HTTP receiver that records every call; SMS goes
// through the real guard and notification log to SNS, a control plane stubbed with its exact commands asserted.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDocumentClient } from '#shared/adapters/dynamodb/client.js';
import { DynamoIncidentStore } from '#shared/adapters/dynamodb/incident-store.js';
import {
  PagerDutyPager,
  SlackWebhookChat,
  StatuspageIo,
  type IncidentIntegrations,
} from '#shared/adapters/incidents/http-services.js';
import { PostgresSlaBreaches } from '#shared/adapters/postgres/sla-breaches.js';
import { SnsNotifier } from '#shared/adapters/sns/notifier.js';
import {
  parseDrillInput,
  runDrill,
  type DrillResult,
  type OperationReport,
} from '#functions/disaster-recovery/index.js';
import { customerNotices } from '#functions/incidents/compose.js';
import { makeHandler } from '#functions/incidents/incidents.js';
import type { Context } from 'aws-lambda';
import {
  actOnIncident,
  probeAll,
  diagnose,
  fromAlarm,
  incidentReport,
  outageAlarmRegion,
  tickIncidents,
  validateRecovery,
  type IncidentDeps,
} from '#functions/incidents/respond.js';
import { allDeps, closeAllDeps, type AllDeps } from '../../scripts/local/all-deps.js';
import { freezableRelay, throughRelay } from '../support/freezable-relay.js';
import { nextReference, seedRequest } from '../support/requests.js';
import { testStack, type TestStack } from '../support/stack.js';

interface Call {
  method: string;
  path: string;
  body: Record<string, unknown>;
  authorization?: string;
}
const calls: Call[] = [];
let receiver: Server;
let base: string;
const sns = mockClient(SNSClient);
const t0 = Date.parse('2026-12-06T03:00:00Z');
let now = t0;
const at = (minutes: number) => (now = t0 + minutes * 60_000);
const clock = { now: () => new Date(now) };
const alarm = 'tyrehero-dispatch-prod-EmergencyRequestsBuffered';

let stack: TestStack;
let relay: Awaited<ReturnType<typeof freezableRelay>>;
let warm: AllDeps;
let deps: IncidentDeps;
const phones = { a: '+447700900201', b: '+447700900202', test: '+447700900203' };

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let text = '';
    request.on('data', (c) => (text += String(c)));
    request.on('end', () => {
      calls.push({
        method: request.method!,
        path: request.url!,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        authorization: request.headers.authorization,
      });
      if (request.url === '/statuspage/v1/pages/page-1/incidents' && request.method === 'POST')
        return response.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"sp-1"}');
      response
        .writeHead(request.url?.startsWith('/pagerduty') ? 202 : 200, { 'content-type': 'application/json' })
        .end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  sns.on(PublishCommand).resolves({ MessageId: 'm' });

  stack = await testStack({ env: { DISPATCH_MAX_RADIUS_KM: '40' } });
  relay = await freezableRelay({
    host: new URL(stack.config.database.url!).hostname,
    port: Number(new URL(stack.config.database.url!).port),
  });
  // Every PostgreSQL call of the incident's functions goes through the relay; a short statement timeout keeps a
  // frozen call to a second, as the functions' own settings keep it to a few.
  warm = allDeps(
    {
      ...stack.config,
      database: {
        ...stack.config.database,
        url: throughRelay(stack.config.database.url!, relay.port),
        statementTimeoutMs: 1000,
      },
    },
    {
      clock,
      notifier: new SnsNotifier(new SNSClient({ region: 'eu-west-2' }), 'arn:aws:sns:eu-west-2:123456789012:sms'),
    },
  );
  for (const [phone, isTest, status] of [
    [phones.a, false, 'pending'],
    [phones.b, false, 'assigned'],
    [phones.test, true, 'pending'],
  ] as const)
    await seedRequest(stack.sql, {
      reference: nextReference(),
      status,
      createdAt: '2026-12-06T02:50:00Z',
      phone,
      isTest,
      priority: 2,
    });

  const integrations: IncidentIntegrations = {
    pagerDutyRoutingKeys: ['key-primary', 'key-manager'],
    slackWebhookUrl: `${base}/slack/hook`,
    statuspage: { pageId: 'page-1', apiKey: 'sp-key' },
  };
  const urls = {
    pagerDutyEventsUrl: `${base}/pagerduty/v2/enqueue`,
    statuspageApiUrl: `${base}/statuspage/v1`,
    source: 'tyrehero-dispatch-prod',
    incidentLink: (id: string) => `https://api.tyrehero.co.uk/ops/live#incident=${id}`,
    timeoutMs: 2000,
  };
  const load = () => Promise.resolve(integrations);
  deps = {
    incidents: new DynamoIncidentStore(makeDocumentClient(warm.dynamo), stack.config.tables.scalingState),
    pager: new PagerDutyPager(load, urls),
    chat: new SlackWebhookChat(load, 2000),
    statusPage: new StatuspageIo(load, urls),
    customers: customerNotices({ broadcasts: warm.broadcasts, notifier: warm.notifier, clock, log: warm.log }),
    clock,
    log: warm.log,
    policy: {
      levels: [
        { name: 'primary on call', people: ['dispatch-oncall'] },
        { name: 'engineering manager', people: ['eng-manager'] },
      ],
      customerNoticeGraceMinutes: 10,
      p1Alarms: [alarm],
    },
    diagnostics: () => probeAll(warm.dependencies, 1500, { now: () => new Date() }),
    validateRecovery: async () => {
      const report = (await runDrill(
        {
          ...warm,
          budgetsMs: {
            intake: 60_000,
            accept: 60_000,
            'en-route': 60_000,
            arrived: 60_000,
            complete: 60_000,
            cleanup: 60_000,
          },
        },
        parseDrillInput({ dryRun: false, operator: 'incident-validation' }),
      )) as OperationReport<unknown, DrillResult>;
      return {
        passed: report.outcome === 'succeeded',
        detail: report.error ?? report.result?.failures.join('; ') ?? report.outcome,
      };
    },
    slaBreaches: (from, to) => new PostgresSlaBreaches(warm.pool).count(from, to),
  };
}, 120_000);

afterAll(async () => {
  relay.thaw();
  await closeAllDeps(warm);
  await relay.close();
  await stack.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const pagerCalls = () => calls.filter((c) => c.path === '/pagerduty/v2/enqueue');
const statusCalls = () => calls.filter((c) => c.path.startsWith('/statuspage/'));
// SMS to a phone; the drill's own alerts to the operations topic are publishes too, with no phone number.
const texts = () =>
  sns
    .commandCalls(PublishCommand)
    .map((c) => c.args[0].input)
    .filter((t) => t.PhoneNumber);
let id: string;

describe('a P1 from an alarm, while PostgreSQL is frozen, handled by the system', () => {
  it('opens an incident from the alarm and pages the primary on call at once (0 minutes, target ≤ 1)', async () => {
    relay.freeze();
    at(0);
    const incident = (await fromAlarm(deps, {
      AlarmName: alarm,
      AlarmDescription: 'Intake could not reach PostgreSQL and buffered',
      NewStateValue: 'ALARM',
    }))!;
    id = incident.id;
    expect(id).toBe('INC-20261206-030000');
    expect(incident).toMatchObject({ severity: 'P1', status: 'open', cause: `alarm:${alarm}`, alarms: [alarm] });
    expect(incident.paging).toEqual({ level: 1, lastPagedAt: '2026-12-06T03:00:00.000Z', pages: 1 });
    expect(pagerCalls()).toEqual([
      {
        method: 'POST',
        path: '/pagerduty/v2/enqueue',
        authorization: undefined,
        body: {
          routing_key: 'key-primary',
          event_action: 'trigger',
          dedup_key: `${id}/L1`,
          payload: {
            summary: `${id} P1: Intake could not reach PostgreSQL and buffered`,
            source: 'tyrehero-dispatch-prod',
            severity: 'critical',
            timestamp: '2026-12-06T03:00:00.000Z',
            component: 'tyrehero-dispatch',
            custom_details: { incident: id, level: 1, cause: `alarm:${alarm}`, alarms: [alarm] },
          },
          links: [{ href: `https://api.tyrehero.co.uk/ops/live#incident=${id}`, text: `${id} on the live view` }],
        },
      },
    ]);
  });

  it('opens the status page with the incident, and tells chat', () => {
    expect(statusCalls()).toEqual([
      {
        method: 'POST',
        path: '/statuspage/v1/pages/page-1/incidents',
        authorization: 'OAuth sp-key',
        body: {
          incident: {
            name: 'Emergency dispatch: some requests may be delayed',
            status: 'investigating',
            impact_override: 'critical',
            body: 'We are investigating a problem with our dispatch service. Requests for help are still being taken.',
          },
        },
      },
    ]);
    expect(calls.filter((c) => c.path === '/slack/hook').map((c) => c.body.text)).toEqual([
      `:rotating_light: ${id} opened, P1: Intake could not reach PostgreSQL and buffered`,
    ]);
  });

  it('joins the same alarm firing again to the same incident: one page per incident, not one per alarm', async () => {
    at(1);
    const again = await fromAlarm(deps, { AlarmName: alarm, NewStateValue: 'ALARM' });
    expect(again!.id).toBe(id);
    await tickIncidents(deps);
    expect(pagerCalls()).toHaveLength(1);
  });

  it('pages again every 5 minutes while nobody acknowledges, and escalates to the next level at 15 minutes', async () => {
    for (let minute = 2; minute <= 15; minute++) {
      at(minute);
      await tickIncidents(deps);
    }
    const pages = pagerCalls().map((c) => [
      (c.body as { dedup_key: string }).dedup_key,
      (c.body as { routing_key: string }).routing_key,
    ]);
    // 0, 5, 10 to the primary; at 15 the manager's own alert.
    expect(pages).toEqual([
      [`${id}/L1`, 'key-primary'],
      [`${id}/L1`, 'key-primary'],
      [`${id}/L1`, 'key-primary'],
      [`${id}/L2`, 'key-manager'],
    ]);
    const { incident } = (await deps.incidents.get(id))!;
    expect(incident.paging).toMatchObject({ level: 2, pages: 4, lastPagedAt: '2026-12-06T03:15:00.000Z' });
    expect(incident.timeline.filter((e) => e.kind === 'escalated').map((e) => e.text)).toEqual([
      'escalated to level 2 (engineering manager: eng-manager)',
    ]);
  });

  it('cannot text customers while their numbers are in the frozen database: says so on the timeline, texts nobody', async () => {
    const { incident } = (await deps.incidents.get(id))!;
    expect(incident.customerNotice).toBeUndefined();
    expect(incident.timeline.some((e) => e.kind === 'failed' && e.text.startsWith('texting customers failed'))).toBe(
      true,
    );
    expect(texts()).toEqual([]);
  });

  it('texts every real customer with an open request exactly once, as soon as PostgreSQL answers again', async () => {
    relay.thaw();
    at(16);
    await tickIncidents(deps);
    at(17);
    await tickIncidents(deps);
    const sent = texts();
    expect(sent.map((t) => t.PhoneNumber).sort()).toEqual([phones.a, phones.b]);
    for (const t of sent)
      expect(t.Message).toMatch(
        /^TyreHero TH-[2-9A-Z]{6}: we are resolving a technical issue; your request is still being processed\./,
      );
    const { incident } = (await deps.incidents.get(id))!;
    expect(incident.customerNotice).toMatchObject({ state: 'sent', by: 'system', sent: 2 });
  });

  it('refuses a step not allowed now with a 409 naming the status, and resolving before the validation passes', async () => {
    await expect(actOnIncident(deps, id, { action: 'mitigate', by: 'x' }).then(() => 'ok')).resolves.toBe('ok');
    await expect(actOnIncident(deps, id, { action: 'acknowledge', by: 'ops-lead' })).rejects.toMatchObject({
      kind: 'conflict',
      details: { currentStatus: 'mitigated' },
    });
    await expect(actOnIncident(deps, id, { action: 'resolve', by: 'ops-lead' })).rejects.toThrow(
      /recovery validation first/,
    );
  });

  it('attaches diagnostics over every dependency to the timeline', async () => {
    at(18);
    const report = await diagnose(deps, id, 'ops-lead');
    expect(report.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['postgresql:writer', 'dynamodb:scalingState', 'dynamodb:intakeBuffer', 'sns:ops-alerts']),
    );
    const { incident } = (await deps.incidents.get(id))!;
    expect(incident.timeline.at(-1)).toMatchObject({ kind: 'diagnostics', by: 'ops-lead' });
  });

  it('passes the recovery validation (the synthetic job on the test fleet), then resolves: pages, status page and customers follow', async () => {
    at(20);
    const validated = await validateRecovery(deps, id, 'ops-lead');
    expect(validated.validation, JSON.stringify(validated.validation)).toMatchObject({ passed: true });
    const before = pagerCalls().length;
    at(22);
    const resolved = await actOnIncident(deps, id, {
      action: 'resolve',
      by: 'ops-lead',
      note: 'database back, buffer drained',
    });
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: '2026-12-06T03:22:00.000Z' });
    expect(
      pagerCalls()
        .slice(before)
        .map((c) => [c.body.event_action, c.body.dedup_key]),
    ).toEqual([
      ['resolve', `${id}/L1`],
      ['resolve', `${id}/L2`],
    ]);
    expect(statusCalls().at(-1)).toMatchObject({
      method: 'PATCH',
      path: '/statuspage/v1/pages/page-1/incidents/sp-1',
      body: { incident: { status: 'resolved' } },
    });
    const followUps = texts().filter((t) => t.Message!.includes('is resolved'));
    expect(followUps.map((t) => t.PhoneNumber).sort()).toEqual([phones.a, phones.b]);
    expect(resolved.resolutionNotice).toMatchObject({ sent: 2 });
    // Nobody is texted twice for one incident.
    expect(texts()).toHaveLength(4);
  });

  it('writes the post-incident report from the record: timeline, times against the playbook, customers, alarms', async () => {
    const report = await incidentReport(deps, id);
    expect(report).toContain(`# Post-incident report: ${id}`);
    expect(report).toContain('| Acknowledge | not reached | 5 min | – |');
    expect(report).toContain('| Resolve | 22 min | – | – |');
    expect(report).toContain('- Customers affected: 2; texted: 2; told of the resolution: 2');
    expect(report).toContain(`- Alarms: ${alarm}`);
    expect(report).toMatch(/\| 2026-12-06 03:15:00 \| system \| escalated: escalated to level 2/);
    expect(report).toContain('## Five whys');
  });

  it('opens a new incident when the same alarm fires after the last one was resolved', async () => {
    at(40);
    const next = await fromAlarm(deps, { AlarmName: alarm, NewStateValue: 'ALARM' });
    expect(next!.id).toBe('INC-20261206-034000');
    expect((await deps.incidents.listOpen()).map((s) => s.incident.id)).toEqual(['INC-20261206-034000']);
  });
});

describe('the us-east-1 outage alarm (Route 53 cannot get /health), delivered to the incidents function by its topic', () => {
  const outage = (region: string) => ({
    Records: [
      {
        Sns: {
          Message: JSON.stringify({
            AlarmName: `tyrehero-dispatch-prod-${region}-ApiHealthCheckFailed`,
            AlarmDescription: 'Route 53 checkers cannot get 200 from GET /health; this region cannot take emergencies.',
            NewStateValue: 'ALARM',
          }),
        },
      },
    ],
  });
  // The survivor in eu-west-1 hears about eu-west-2, the active region (scripts/serverless/edge-health-alarm.cjs).
  const handler = () =>
    makeHandler({
      ...deps,
      surges: warm.surges,
      policy: { ...deps.policy, p1Alarms: [alarm, 'tyrehero-dispatch-prod-*-ApiHealthCheckFailed'] },
      verifier: warm.verifier,
      http: warm.http,
      regionRole: { region: 'eu-west-1', activeRegion: () => Promise.resolve('eu-west-2') },
    });

  it("ignores the standby region's: its /health answers 503 by design, so nobody is paged", async () => {
    at(50);
    const before = pagerCalls().length;
    expect(await handler()(outage('eu-west-1') as never, {} as Context)).toEqual({ incidents: [undefined] });
    expect(pagerCalls()).toHaveLength(before);
  });

  it("opens a P1 for the active region's and pages at once from the surviving region", async () => {
    at(51);
    const before = pagerCalls().length;
    const result = (await handler()(outage('eu-west-2'), {} as Context)) as unknown as { incidents: string[] };
    expect(result.incidents).toEqual(['INC-20261206-035100']);
    const incident = (await deps.incidents.get('INC-20261206-035100'))!.incident;
    expect(incident).toMatchObject({
      severity: 'P1',
      cause: 'alarm:tyrehero-dispatch-prod-eu-west-2-ApiHealthCheckFailed',
    });
    expect(
      pagerCalls()
        .slice(before)
        .map((c) => [c.body.event_action, c.body.dedup_key]),
    ).toEqual([['trigger', 'INC-20261206-035100/L1']]);
    expect(outageAlarmRegion('tyrehero-dispatch-prod-eu-west-2-ApiHealthCheckFailed')).toBe('eu-west-2');
    expect(outageAlarmRegion('tyrehero-dispatch-prod-EmergencyRequestsBuffered')).toBeUndefined();
  });
});
