import { haversineKm } from './geo.js';
// The words of an incident broadcast, and how a customer's number may be shown to the operator who sends it.
import type { RequestStatus } from './emergency.js';
import { formatUkTime } from './uk-day.js';

/** +447700900123 → +44*******123: enough to tell recipients apart in a dry run, not enough to call anyone. */
export function maskPhone(phone: string): string {
  if (phone.length <= 6) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 6)}${phone.slice(-3)}`;
}

export function broadcastText(r: { reference: string; status: RequestStatus; eta?: Date }): string {
  const eta =
    r.status === 'on_site'
      ? 'Your technician is with you.'
      : r.eta && (r.status === 'assigned' || r.status === 'en_route')
        ? `Your technician is expected by ${formatUkTime(r.eta)}.`
        : 'We will text you an arrival time as soon as a technician is assigned.';
  return `TyreHero ${r.reference}: we are resolving a technical issue; your request is still being processed. ${eta}`;
}

/** The follow-up once the incident is over, to customers whose request is still open. */
export function resolvedText(r: { reference: string }): string {
  return `TyreHero ${r.reference}: the technical issue is resolved. Your request continues as normal; follow it with the tracking link we sent.`;
}

/**
 * The service area a breakdown is in: the nearest of the service's regions (the weather regions, WEATHER_REGIONS),
 * the names an incident's `areas` use.
 */
export function areaOf(
  location: { lat: number; lon: number },
  regions: ReadonlyArray<{ name: string; lat: number; lon: number }>,
): string | undefined {
  let best: { name: string; km: number } | undefined;
  for (const r of regions) {
    const km = haversineKm(location, { lat: r.lat, lon: r.lon });
    if (!best || km < best.km) best = { name: r.name, km };
  }
  return best?.name;
}
