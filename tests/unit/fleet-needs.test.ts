import { describe, expect, it } from 'vitest';
import { describeShortfall, fleetShortfall, vansNeeded } from '#shared/domain/fleet-needs.js';

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
