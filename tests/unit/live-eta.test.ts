import { describe, expect, it } from 'vitest';
import { defaultEtaSettings, etaFor, etaFromPosition, minutesUntil } from '#shared/domain/eta.js';

const now = new Date('2026-01-14T14:00:00Z');
const customer = { lat: 51.5, lon: -0.1 };

describe('etaFromPosition', () => {
  it.each([
    { why: 'at the customer: only mobilisation', at: customer, motorway: false, enRoute: false, km: 0, minutes: 10 },
    { why: 'at the customer and driving: there', at: customer, motorway: false, enRoute: true, km: 0, minutes: 0 },
    {
      why: '3.3 km urban: 4.3 road km at 30 km/h + 10',
      at: { lat: 51.53, lon: -0.1 },
      motorway: false,
      enRoute: false,
      km: 3.34,
      minutes: 19,
    },
    {
      why: '3.3 km urban, en route: no mobilisation',
      at: { lat: 51.53, lon: -0.1 },
      motorway: false,
      enRoute: true,
      km: 3.34,
      minutes: 9,
    },
    {
      why: '11.1 km rural: 14.5 road km at 60 km/h + 10',
      at: { lat: 51.6, lon: -0.1 },
      motorway: false,
      enRoute: false,
      km: 11.12,
      minutes: 25,
    },
    {
      why: '11.1 km to a motorway: 90 km/h, en route',
      at: { lat: 51.6, lon: -0.1 },
      motorway: true,
      enRoute: true,
      km: 11.12,
      minutes: 10,
    },
  ])('$why → $minutes min', ({ at, motorway, enRoute, km, minutes }) => {
    const live = etaFromPosition(at, { location: customer, onMotorway: motorway }, now, defaultEtaSettings, {
      enRoute,
    });
    expect(live.distanceKm).toBeCloseTo(km, 2);
    expect(live.etaMinutes).toBe(minutes);
    expect(live.eta).toEqual(new Date(now.getTime() + minutes * 60_000));
  });

  it('makes the estimate dispatch makes for the same distance when the technician has still to set off', () => {
    const live = etaFromPosition(
      { lat: 51.6, lon: -0.1 },
      { location: customer, onMotorway: false },
      now,
      defaultEtaSettings,
    );
    expect(live.etaMinutes).toBe(etaFor(live.distanceKm, false, defaultEtaSettings));
  });
});

describe('minutesUntil', () => {
  it.each([
    { why: 'a minute and a half ahead rounds up, as the promise did', aheadMs: 90_000, minutes: 2 },
    { why: 'exactly a minute', aheadMs: 60_000, minutes: 1 },
    { why: 'a moment ahead is still a minute', aheadMs: 1, minutes: 1 },
    { why: 'due now', aheadMs: 0, minutes: 0 },
    { why: 'overdue is never negative', aheadMs: -300_000, minutes: 0 },
  ])('$why → $minutes', ({ aheadMs, minutes }) => {
    expect(minutesUntil(new Date(now.getTime() + aheadMs), now)).toBe(minutes);
  });
});
