import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startOfUkDay, ukOffsetMinutes } from '#shared/domain/uk-day.js';

describe('startOfUkDay', () => {
  it.each([
    { why: 'a winter afternoon (GMT)', at: '2026-01-15T15:00:00Z', start: '2026-01-15T00:00:00.000Z' },
    { why: 'a summer afternoon (BST)', at: '2026-07-15T15:00:00Z', start: '2026-07-14T23:00:00.000Z' },
    { why: '00:30 BST, still the previous UTC date', at: '2026-07-14T23:30:00Z', start: '2026-07-14T23:00:00.000Z' },
    { why: '23:59 BST', at: '2026-07-15T22:59:00Z', start: '2026-07-14T23:00:00.000Z' },
    // BST starts 2026-03-29 at 01:00 UTC: that day began at GMT midnight and lasts 23 hours.
    { why: 'the spring-forward day, before the change', at: '2026-03-29T00:30:00Z', start: '2026-03-29T00:00:00.000Z' },
    { why: 'the spring-forward day, after the change', at: '2026-03-29T22:59:00Z', start: '2026-03-29T00:00:00.000Z' },
    {
      why: 'the first minute after the spring-forward day',
      at: '2026-03-29T23:00:00Z',
      start: '2026-03-29T23:00:00.000Z',
    },
    // BST ends 2026-10-25 at 01:00 UTC: that day began at BST midnight (23:00 UTC) and lasts 25 hours.
    { why: 'the fall-back day, before the change', at: '2026-10-24T23:30:00Z', start: '2026-10-24T23:00:00.000Z' },
    { why: 'the fall-back day, late evening GMT', at: '2026-10-25T23:59:00Z', start: '2026-10-24T23:00:00.000Z' },
    { why: 'the day after the fall-back day', at: '2026-10-26T00:00:00Z', start: '2026-10-26T00:00:00.000Z' },
  ])('starts $why at $start', ({ at, start }) => {
    expect(startOfUkDay(new Date(at)).toISOString()).toBe(start);
  });

  it('is always UK midnight, at or before the instant, less than 25 hours earlier', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        (at) => {
          const start = startOfUkDay(at);
          const local = new Date(start.getTime() + ukOffsetMinutes(start) * 60_000);
          expect(local.getUTCHours() * 60 + local.getUTCMinutes()).toBe(0);
          expect(start.getTime()).toBeLessThanOrEqual(at.getTime());
          expect(at.getTime() - start.getTime()).toBeLessThan(25 * 3600_000);
        },
      ),
    );
  });
});
