// The operations live view: /ops/live. Polls the existing operations routes every few seconds and draws the fleet and
// the open requests on the UK map, with the queue, the incident severity and the weather beside it.
import './ops-live.css';
import { L, makeMap } from '../shared/map.js';
import {
  finishHostedSignIn,
  forgetToken,
  hostedSignInUrl,
  keepToken,
  startHostedSignIn,
  storedToken,
} from './sign-in.js';

/** GET /ops/live-map: the fleet and the open requests, with SLA risk, and the weather by region. */
interface LiveMap {
  generatedAt: string;
  technicians: Array<{
    id: string;
    firstName: string | null;
    status: 'available' | 'busy' | 'silent' | 'on_break';
    location: { lat: number; lon: number };
    lastSeenMinutes: number | null;
    currentJob?: string;
  }>;
  requests: Array<{
    id: string;
    reference: string;
    status: string;
    priority: number;
    location: { lat: number; lon: number };
    waitingMinutes: number;
    slaDeadline: string;
    minutesToDeadline: number;
    risk: 'on-track' | 'at-risk' | 'late';
    technicianId?: string;
  }>;
  weather: {
    level: string;
    updatedAt: string | null;
    regions: Array<{ region: string; level: string; conditions: string[] }>;
  };
  fleetNeeds: { at: string; regions: Array<{ region: string; onShift: number; alert?: string }> } | null;
}
interface Metrics {
  pendingRequests: number;
  highPriorityPending: number;
  oldestPendingMinutes: number;
  availableTechnicians: number;
  slaCompliancePercent: { lastHour: number | null };
  unverifiedCompletions: { today: number };
  customerSatisfaction: { last24Hours: number | null; ratings: number; target: number };
  severity: { severity: string; reasons: string[] };
  weatherLevel: string;
  utilisationPercent: number | null;
  requestsLastMinute: number;
  slos: {
    at: string;
    slos: Array<{
      name: string;
      title: string;
      objective: number;
      budgetRemaining: number | null;
      alert: string;
      firing: string[];
    }>;
    unavailable: Array<{ slo: string; reason: string }>;
  } | null;
  surge: { level: string; reason: string; by: string; until: string } | null;
  incidents: Array<{
    id: string;
    title: string;
    severity: string;
    status: string;
    openedAt: string;
    commander?: string;
    pagedLevel: number;
  }>;
}

const everyMs = 5_000;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const colours: Record<string, string> = {
  available: '#1a7f37',
  busy: '#0050b3',
  silent: '#6e7781',
  on_break: '#9a6700',
  'on-track': '#1a7f37',
  'at-risk': '#bf8700',
  late: '#cf222e',
};
let map: L.Map | undefined;
const layer = L.layerGroup();
let selected: LiveMap['requests'][number] | undefined;

const token = storedToken;

/** Hosted sign-in in AWS; locally, the form for a pasted `npm run token` token. */
function signIn() {
  const hosted = hostedSignInUrl();
  if (hosted) return void startHostedSignIn(hosted);
  $('sign-in').hidden = false;
  $('live').hidden = true;
}

async function get<T>(path: string): Promise<T | undefined> {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token()}` }, cache: 'no-store' });
  if (response.status === 401) {
    forgetToken();
    signIn();
    return undefined;
  }
  // Signed in, but not as operations: sending them back to sign-in would only loop.
  if (response.status === 403) {
    forgetToken();
    showError('This account is not in the operations group. Sign in as an operations user to see the live view.');
    $('sign-in').hidden = Boolean(hostedSignInUrl());
    return undefined;
  }
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return (await response.json()) as T;
}

const minutes = (m: number | null | undefined) =>
  m === null || m === undefined ? 'never' : m < 1 ? 'just now' : `${Math.round(m)} min ago`;
const words = (s: string) => s.replace(/[_-]/g, ' ');

function drawMap(live: LiveMap) {
  map ??= makeMap($('map'));
  layer.clearLayers().addTo(map);
  for (const t of live.technicians) {
    // The class names carry the id and status, so what is drawn can be checked against the API (tests/e2e/pages.test.ts).
    L.circleMarker([t.location.lat, t.location.lon], {
      radius: 7,
      color: '#fff',
      weight: 2,
      fillColor: colours[t.status] ?? '#000',
      fillOpacity: 1,
      className: `technician-marker technician-${t.status} id-${t.id}`,
    })
      .bindTooltip(
        `${t.firstName ?? 'Technician'} (${t.id}): ${words(t.status)}, seen ${minutes(t.lastSeenMinutes)}${t.currentJob ? `, on ${t.currentJob}` : ''}`,
      )
      .addTo(layer);
  }
  for (const r of live.requests) {
    // Requests are squares labelled with their priority, so they never read as a technician's dot.
    const icon = L.divIcon({
      className: `request-marker request-${r.risk} ref-${r.reference}`,
      html: `P${Number(r.priority)}`,
      iconSize: [24, 24],
    });
    const marker = L.marker([r.location.lat, r.location.lon], { icon, keyboard: false, zIndexOffset: 1000 })
      .bindTooltip(
        `${r.reference}: ${words(r.status)}, P${r.priority}, waiting ${Math.round(r.waitingMinutes)} min, ${words(r.risk)}`,
      )
      .addTo(layer);
    marker.on('click', () => choose(r));
  }
  document.body.dataset.technicianMarkers = String(live.technicians.length);
  document.body.dataset.requestMarkers = String(live.requests.length);
}

function drawList(live: LiveMap) {
  const list = $('requests');
  list.replaceChildren(
    ...live.requests.map((r) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `request ${r.risk}`;
      button.dataset.reference = r.reference;
      button.textContent = `${r.reference} · P${r.priority} · ${words(r.status)} · waiting ${Math.round(r.waitingMinutes)} min · ${words(r.risk)}`;
      button.addEventListener('click', () => choose(r));
      item.append(button);
      return item;
    }),
  );
}

function drawFigures(m: Metrics, live: LiveMap) {
  $('pending').textContent = String(m.pendingRequests);
  $('high').textContent = String(m.highPriorityPending);
  $('oldest').textContent = `${Math.round(m.oldestPendingMinutes)} min`;
  $('at-risk').textContent = String(live.requests.filter((r) => r.risk !== 'on-track').length);
  $('available').textContent = String(m.availableTechnicians);
  $('sla').textContent =
    m.slaCompliancePercent.lastHour === null ? 'no arrivals' : `${m.slaCompliancePercent.lastHour}%`;
  $('unverified').textContent = String(m.unverifiedCompletions.today);
  $('satisfaction').textContent =
    m.customerSatisfaction.last24Hours === null
      ? `no ratings (target ${m.customerSatisfaction.target})`
      : `${m.customerSatisfaction.last24Hours} / 5 from ${m.customerSatisfaction.ratings} (target ${m.customerSatisfaction.target})`;
  $('severity').textContent = m.severity.severity;
  $('severity').className = `severity ${m.severity.severity.toLowerCase()}`;
  $('severity-reasons').textContent = m.severity.reasons.length
    ? `${m.severity.severity}: ${m.severity.reasons.join('; ')}`
    : `${m.severity.severity}: nothing unusual`;
  $('utilisation').textContent = m.utilisationPercent === null ? 'nobody on shift' : `${m.utilisationPercent}%`;
  $('rate').textContent = String(m.requestsLastMinute);
  drawIncidents(m);
  $('surge-status').textContent = m.surge
    ? `On (${m.surge.level} capacity) until ${new Date(m.surge.until).toLocaleTimeString('en-GB', { timeZone: 'Europe/London' })}, by ${m.surge.by}: ${m.surge.reason}`
    : 'Off: capacity follows the weather';
  $('weather').textContent = live.weather.level;
  // Only regions that are not normal are listed: a calm day reads as one line.
  const regions = live.weather.regions.map((r) => {
    const item = document.createElement('li');
    item.className = `weather-${r.level}`;
    item.textContent = `${r.region}: ${r.level}${r.conditions.length ? ` (${r.conditions.map(words).join(', ')})` : ''}`;
    return item;
  });
  if (regions.length === 0) {
    const calm = document.createElement('li');
    calm.textContent = live.weather.updatedAt ? 'Every region normal' : 'No weather decision yet';
    regions.push(calm);
  }
  $('weather-regions').replaceChildren(...regions);
  // Pre-scaling: only regions the weather leaves short of vans ("Leeds needs 14 more vans from 16:00").
  const short = (live.fleetNeeds?.regions ?? []).flatMap((r) => (r.alert ? [r] : []));
  $('fleet-needs').replaceChildren(
    ...short.map((r) => {
      const item = document.createElement('li');
      item.className = 'weather-severe';
      item.textContent = `${r.alert!} (${r.onShift} on shift)`;
      return item;
    }),
  );
}

/** Every open incident (GET /ops/incidents/{id} has the record), and what is left of each SLO's error budget. */
function drawIncidents(m: Pick<Metrics, 'incidents' | 'slos'>) {
  const local = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { timeZone: 'Europe/London' });
  const incidents = m.incidents.map((i) => {
    const item = document.createElement('li');
    item.className = `severity ${i.severity.toLowerCase()}`;
    item.textContent = `${i.severity} ${i.id}: ${i.title} (${i.status} since ${local(i.openedAt)}${
      i.commander ? `, commander ${i.commander}` : `, paging level ${i.pagedLevel}`
    })`;
    return item;
  });
  if (incidents.length === 0) {
    const none = document.createElement('li');
    none.textContent = 'No open incident';
    incidents.push(none);
  }
  $('incidents').replaceChildren(...incidents);
  const budgets = (m.slos?.slos ?? []).map((s) => {
    const item = document.createElement('li');
    item.className = `budget ${s.alert}`;
    const left =
      s.budgetRemaining === null ? 'nothing to judge yet' : `${Math.round(s.budgetRemaining * 1000) / 10}% left`;
    item.textContent = `${s.title} (${s.objective * 100}%): ${left}${s.alert === 'none' ? '' : `, ${s.alert === 'page' ? 'burning fast' : 'burning slowly'}`}`;
    item.title = s.firing.join('\n');
    return item;
  });
  for (const u of m.slos?.unavailable ?? []) {
    const item = document.createElement('li');
    item.textContent = `${words(u.slo)}: no figures (${u.reason})`;
    budgets.push(item);
  }
  if (budgets.length === 0) {
    const none = document.createElement('li');
    none.textContent = 'No SLO figures yet (collectMetrics runs every minute)';
    budgets.push(none);
  }
  $('budgets').replaceChildren(...budgets);
}

function choose(r: LiveMap['requests'][number]) {
  selected = r;
  $('act-what').textContent =
    `${r.reference}: ${words(r.status)}, priority ${r.priority}, waiting ${Math.round(r.waitingMinutes)} min${r.technicianId ? `, with ${r.technicianId}` : ''}.`;
  $<HTMLDialogElement>('act').showModal();
}

async function act(action: string, reason: string) {
  if (!selected || (action !== 'cancel' && action !== 'reassign')) return;
  const response = await fetch(`../ops/requests/${selected.id}/${action}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ reason }),
  });
  const answer = (await response.json().catch(() => ({}))) as {
    detail?: string;
    status?: string;
    technicianId?: string;
  };
  if (!response.ok) showError(answer.detail ?? `Could not ${action} ${selected.reference}.`);
  else {
    const outcome =
      answer.status === 'cancelled'
        ? 'cancelled'
        : answer.status === 'assigned'
          ? `reassigned to ${answer.technicianId ?? 'another technician'}`
          : 'taken off its technician; nobody free yet, redispatch keeps trying';
    $('notice').textContent = `${selected.reference} ${outcome}. Reason recorded.`;
    $('notice').hidden = false;
  }
  $<HTMLTextAreaElement>('act-reason').value = '';
  await refresh();
}

/** Surge mode: start it for the hours given, or end it early; the reason goes on every open incident's timeline. */
async function surge(action: 'start' | 'end') {
  const reason = $<HTMLInputElement>('surge-reason').value.trim();
  const response = await fetch('../ops/surge', {
    method: action === 'start' ? 'POST' : 'DELETE',
    headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(
      action === 'start' ? { hours: Number($<HTMLInputElement>('surge-hours').value), reason } : { reason },
    ),
  });
  const answer = (await response.json().catch(() => ({}))) as { detail?: string; capacity?: string };
  if (!response.ok) showError(answer.detail ?? `Could not ${action} surge mode.`);
  else {
    $('notice').textContent = `Surge mode ${action === 'start' ? 'started' : 'ended'}: ${answer.capacity ?? ''}.`;
    $('notice').hidden = false;
    $<HTMLInputElement>('surge-reason').value = '';
  }
  await refresh();
}

function showError(message: string) {
  $('error').textContent = message;
  $('error').hidden = false;
}

let timer: number | undefined;
async function refresh() {
  window.clearTimeout(timer);
  if (!token()) return signIn();
  try {
    const [live, metrics] = await Promise.all([get<LiveMap>('../ops/live-map'), get<Metrics>('../ops/metrics')]);
    if (!live || !metrics) return;
    $('sign-in').hidden = true;
    $('live').hidden = false;
    $('error').hidden = true;
    drawMap(live);
    drawList(live);
    drawFigures(metrics, live);
    $('clock').textContent =
      `Updated ${new Date(live.generatedAt).toLocaleTimeString('en-GB', { timeZone: 'Europe/London' })}`;
  } catch (error) {
    showError(`Live data unavailable (${(error as Error).message}); retrying.`);
    // The incident record lives in DynamoDB: when PostgreSQL is the incident, the figures fail but the incidents
    // still show, from GET /ops/incidents.
    await get<{ open: Array<Omit<Metrics['incidents'][number], 'pagedLevel'> & { paging: { level: number } }> }>(
      '../ops/incidents',
    )
      .then(
        (answer) =>
          answer &&
          drawIncidents({ incidents: answer.open.map((i) => ({ ...i, pagedLevel: i.paging.level })), slos: null }),
      )
      .catch(() => undefined);
  }
  timer = window.setTimeout(() => void refresh(), document.hidden ? everyMs * 6 : everyMs);
}

$<HTMLFormElement>('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  keepToken($<HTMLInputElement>('token').value.trim());
  void refresh();
});
$<HTMLFormElement>('act-form').addEventListener('submit', (event) => {
  const action = (event.submitter as HTMLButtonElement | null)?.value ?? 'close';
  const reason = $<HTMLTextAreaElement>('act-reason').value.trim();
  if (action !== 'close') void act(action, reason);
});
$<HTMLFormElement>('surge-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void surge((event.submitter as HTMLButtonElement | null)?.value === 'end' ? 'end' : 'start');
});
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void refresh();
});
void (async () => {
  const hosted = hostedSignInUrl();
  try {
    if (hosted) await finishHostedSignIn(hosted);
  } catch (error) {
    // Not straight back to the hosted sign-in: a refusal there would loop. The person chooses to try again.
    showError((error as Error).message);
    return;
  }
  await refresh();
})();
