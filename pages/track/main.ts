// The stranded driver's page: /t/{reference}#<tracking token>. The token stays in the fragment (never sent in a URL,
// so never in a server log) and goes to the API as X-Tracking-Token.
import './track.css';
import { L, makeMap } from '../shared/map.js';

interface Emergency {
  id: string;
  reference: string;
  status: 'pending' | 'assigned' | 'en_route' | 'on_site' | 'completed' | 'cancelled';
  location: { lat: number; lon: number };
  eta?: string;
  etaMinutes?: number;
  technician?: { firstName: string; van: string };
  technicianLocation?: { lat: number; lon: number; recordedAt: string };
  arrivalCode?: string;
  rating?: { score: number };
  queued?: boolean;
}

/** Every 12 s while the page is looked at; backing off to 60 s while it is hidden, to spare a phone's battery. */
const visibleEveryMs = 12_000;
const hiddenMaxMs = 60_000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const reference = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const token = decodeURIComponent(location.hash.slice(1));
let current: Emergency | undefined;
let timer: number | undefined;
let hiddenDelay = visibleEveryMs;
let map: L.Map | undefined;
let breakdownMarker: L.CircleMarker | undefined;
let vanMarker: L.CircleMarker | undefined;

const clock = (iso: string) =>
  new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });

function words(e: Emergency): string {
  const name = e.technician?.firstName ?? 'Your technician';
  switch (e.status) {
    case 'pending':
      return e.queued ? 'We have your request and are recording it' : 'We are finding a technician near you';
    case 'assigned':
      return `${name} is getting ready to come to you`;
    case 'en_route':
      return `${name} is on the way`;
    case 'on_site':
      return `${name} has arrived`;
    case 'completed':
      return 'Job done. Drive safely';
    case 'cancelled':
      return 'This request is cancelled';
  }
}

function showError(message: string) {
  const box = $('error');
  box.innerHTML = '';
  const p = document.createElement('p');
  p.textContent = message;
  const danger = document.createElement('p');
  danger.innerHTML = 'If you are in danger, call <a href="tel:999">999</a>.';
  box.append(p, danger);
  box.hidden = false;
}

function render(e: Emergency) {
  current = e;
  $('error').hidden = true;
  $('view').hidden = false;
  $('reference').textContent = e.reference;
  document.body.dataset.status = e.status;
  $('status-words').textContent = words(e);
  $('who').textContent =
    e.technician && e.status !== 'completed' && e.status !== 'cancelled'
      ? `${e.technician.firstName} · ${e.technician.van}`
      : '';
  const open = e.status === 'assigned' || e.status === 'en_route';
  $('eta').textContent =
    open && e.eta
      ? `Expected by ${clock(e.eta)}${e.etaMinutes !== undefined ? ` (about ${e.etaMinutes} min)` : ''}`
      : e.status === 'pending'
        ? 'We will text you when someone is on the way.'
        : '';
  $('code-box').hidden = !e.arrivalCode;
  $('arrival-code').textContent = e.arrivalCode ?? '';
  $('actions').hidden = !(e.status === 'pending' || e.status === 'assigned' || e.status === 'en_route');
  $('rating').hidden = !(e.status === 'completed' && !e.rating);
  if (e.rating) {
    $('thanks').hidden = false;
    $('thanks').textContent = `Thank you for rating us ${e.rating.score} out of 5.`;
  }
  $('updated').textContent = `Updated ${clock(new Date().toISOString())}`;
  drawMap(e);
}

function drawMap(e: Emergency) {
  map ??= makeMap($('map'));
  const here: L.LatLngExpression = [e.location.lat, e.location.lon];
  breakdownMarker ??= L.circleMarker(here, {
    radius: 10,
    color: '#000',
    weight: 3,
    fillColor: '#ffd200',
    fillOpacity: 1,
  })
    .bindTooltip('You')
    .addTo(map);
  const van = e.status === 'en_route' ? e.technicianLocation : undefined;
  if (van) {
    vanMarker ??= L.circleMarker([van.lat, van.lon], {
      radius: 10,
      color: '#fff',
      weight: 3,
      fillColor: '#0050b3',
      fillOpacity: 1,
      className: 'van-marker',
    })
      .bindTooltip('Van')
      .addTo(map);
    vanMarker.setLatLng([van.lat, van.lon]);
    // Where the van is drawn, readable without the map's internals (the browser tests compare it with the API).
    $('map').dataset.van = `${van.lat},${van.lon}`;
    map.fitBounds(L.latLngBounds([here, [van.lat, van.lon]]).pad(0.3), { maxZoom: 14 });
  } else {
    vanMarker?.remove();
    vanMarker = undefined;
    delete $('map').dataset.van;
    map.setView(here, 9);
  }
}

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(path, {
    method,
    headers: { 'X-Tracking-Token': token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
}

async function refresh() {
  window.clearTimeout(timer);
  try {
    const response = await api('GET', `../emergencies/${encodeURIComponent(current?.id ?? reference)}`);
    if (response.status === 404 || response.status === 422) {
      showError(
        'We cannot find this request. Open the whole link from our text message, or call us on the number in that message.',
      );
      $('view').hidden = true;
      return;
    }
    if (!response.ok) throw new Error(String(response.status));
    render((await response.json()) as Emergency);
  } catch {
    showError('We cannot reach TyreHero just now. We will keep trying; your request is not lost.');
  }
  if (current?.status === 'cancelled' || (current?.status === 'completed' && current.rating)) return;
  hiddenDelay = document.hidden ? Math.min(hiddenDelay * 2, hiddenMaxMs) : visibleEveryMs;
  timer = window.setTimeout(() => void refresh(), hiddenDelay);
}

function wireCancel() {
  const dialog = $<HTMLDialogElement>('confirm');
  $('cancel').addEventListener('click', () => dialog.showModal());
  $('confirm-no').addEventListener('click', () => dialog.close());
  $('confirm-yes').addEventListener('click', () => {
    dialog.close();
    void (async () => {
      const response = await api('POST', `../emergencies/${current!.id}/cancel`);
      if (response.ok) render((await response.json()) as Emergency);
      else
        showError(
          ((await response.json().catch(() => ({}))) as { detail?: string }).detail ??
            'We could not cancel it. Please call us.',
        );
    })();
  });
}

function wireRating() {
  $<HTMLFormElement>('rating').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const score = Number(form.get('score'));
    if (!score) return showError('Choose a number from 1 to 5 first.');
    const comment = $<HTMLTextAreaElement>('comment').value.trim();
    void (async () => {
      const response = await api('POST', `../emergencies/${current!.id}/rating`, {
        rating: score,
        ...(comment ? { comment } : {}),
      });
      if (response.ok || response.status === 409) await refresh();
      else showError('We could not save your rating. Please try again.');
    })();
  });
}

if (!token) {
  showError('This link is missing its last part. Open the whole link from our text message.');
} else {
  wireCancel();
  wireRating();
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void refresh();
  });
  void refresh();
}
