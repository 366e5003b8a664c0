import { describe, expect, it } from 'vitest';
import {
  describeShortfall,
  fleetShortfall,
  vansNeeded,
  forecastCalls,
  hourlyDemandShape,
  regionFleetNeed,
} from '#shared/domain/fleet-needs.js';

describe('vansNeeded', () => {
  it.each([
    { calls: 0, vans: 0, why: 'no calls, no vans' },
    { calls: 6, vans: 10, why: '6 × 70 min = 7 van-hours at 70 % = 10' },
    { calls: 24, vans: 40, why: 'a storm hour at four times that' },
    { calls: 0.5, vans: 1, why: 'any expected call needs a van' },
  ])('needs $vans vans for $calls calls an hour ($why)', ({ calls, vans }) => {
    expect(vansNeeded(calls)).toBe(vans);
  });
});

describe('fleetShortfall', () => {
  it('finds the first run of short hours and the most vans its worst hour lacks', () => {
    // Rostered 10 all day; calls rise to 12 and 18 an hour in hours 2–3: 20 and 30 vans needed.
    expect(fleetShortfall([3, 6, 12, 18, 6], [10, 10, 10, 10, 10])).toEqual({ more: 20, fromHour: 2, toHour: 3 });
  });

  it('is undefined when the roster covers every hour', () => {
    expect(fleetShortfall([3, 6, 6], [10, 10, 10])).toBeUndefined();
  });

  it('reads as the operations alert', () => {
    const shortfall = { more: 14, fromHour: 16, toHour: 20 };
    expect(describeShortfall('Leeds', shortfall, new Date('2026-12-10T00:00:00Z'))).toBe(
      'Leeds needs 14 more vans from 16:00',
    );
  });
});

describe('regionFleetNeed (what weather scaling publishes and the simulation calls in)', () => {
  const at = (h: number) => new Date(Date.UTC(2026, 11, 10, h));
  const hours = (levels: Array<'normal' | 'severe'>, calls: number[]) =>
    levels.map((level, i) => ({ at: at(14 + i), level, calls: calls[i]! }));

  it('asks for the vans the worst bad-weather hour needs beyond those on shift, from its first hour', () => {
    // 6 calls an hour need 10 vans; 12 need 20.
    const need = regionFleetNeed(
      'Leeds',
      hours(['normal', 'severe', 'severe', 'normal'], [6, 6, 12, 6]),
      [10, 10, 6, 6],
    );
    expect(need).toEqual({
      region: 'Leeds',
      onShift: 10,
      needed: [10, 10, 20, 10],
      shortfall: { more: 14, from: at(16), to: at(17) },
      alert: 'Leeds needs 14 more vans from 16:00',
    });
  });

  it('leaves a calm hour short to the rota: no shortfall, and it never moves the alert earlier', () => {
    expect(regionFleetNeed('Leeds', hours(['normal', 'normal'], [12, 12]), [2, 2]).shortfall).toBeUndefined();
    expect(regionFleetNeed('Leeds', hours(['normal', 'severe'], [12, 12]), [2, 2]).alert).toBe(
      'Leeds needs 18 more vans from 15:00',
    );
  });

  it("forecasts a region's calls from its calm-day share of the UK hour, times the weather's multiplier", () => {
    const calls = forecastCalls(
      100,
      [
        { at: at(17), level: 'normal' },
        { at: at(17), level: 'severe' },
      ],
      {
        elevated: 2,
        severe: 4,
      },
    );
    expect(calls[0]).toBeCloseTo(100 * hourlyDemandShape[17]!, 9);
    expect(calls[1]).toBeCloseTo(4 * calls[0]!, 9);
    // In summer the UK hour is an hour ahead of UTC: 16:00 UTC is 17:00 there.
    expect(
      forecastCalls(100, [{ at: new Date('2026-07-01T16:00:00Z'), level: 'normal' }], { elevated: 2, severe: 4 })[0],
    ).toBeCloseTo(calls[0]!, 9);
  });
});
