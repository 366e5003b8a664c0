// Keeps personal data out of logs: the Powertools logger passes every key/value through redactPersonalData before
// writing (jsonReplacerFn), so no phone number, customer name, note, address or exact position reaches CloudWatch.

/** Keys whose values are personal whatever they hold. */
const personalKeys = new Set([
  'phone',
  'to',
  'customer',
  'customerName',
  'customer_name',
  'notes',
  'address',
  'postcode',
  'registration',
  'vehicleRegistration',
  'vehicle_registration',
  'lat',
  'lon',
  'latitude',
  'longitude',
]);

// International (+44…, 0044…) and UK national (07…, 01…, 02…) numbers, with the usual separators.
const phonePattern = /(?:\+|\b00)[1-9](?:[\s().-]?\d){6,14}\b|\b0[1-9](?:[\s().-]?\d){8,9}\b/g;
// "53.4812,-2.2431" and the like: a position written as text (an SMS body, an error message).
const positionPattern = /-?\d{1,3}\.\d{3,}\s*,\s*-?\d{1,3}\.\d{3,}/g;

/** Positions as objects ({lat, lon}); a string `location` is Powertools' own (where an error was thrown) and stays. */
const positionKeys = new Set(['location', 'technicianLocation', 'position', 'point']);

// A tracking link's fragment (/t/TH-XXXXXX#<token>, in an SMS body): the token opens the request, so it never reaches a log.
const trackingFragmentPattern = /(\/t\/TH-[2-9A-Z]{6})#[A-Za-z0-9_-]+/g;

export const redacted = '[redacted]';

export function redactText(text: string): string {
  return text
    .replace(trackingFragmentPattern, '$1#[token]')
    .replace(positionPattern, '[position]')
    .replace(phonePattern, '[phone]');
}

export function redactPersonalData(key: string, value: unknown): unknown {
  if (personalKeys.has(key) && value !== undefined && value !== null) return redacted;
  if (positionKeys.has(key) && typeof value === 'object' && value !== null) return redacted;
  if (typeof value === 'string') return redactText(value);
  return value;
}
