import { describe, expect, it } from 'vitest';
import { computePriority, isUkNight, type PriorityFactors } from '#shared/domain/priority.js';

const noon = new Date('2026-03-10T12:00:00Z');
const base: PriorityFactors = {
  issue: 'puncture',
  onMotorway: false,
  vulnerableOccupants: false,
  at: noon,
  weather: 'normal',
};

describe('computePriority', () => {
  it.each([
    { why: 'a daytime puncture in town', f: {}, priority: 4 },
    { why: 'a seized locking wheel nut', f: { issue: 'locking_wheel_nut' }, priority: 5 },
    { why: 'a flat', f: { issue: 'flat' }, priority: 3 },
    { why: 'a damaged wheel', f: { issue: 'damaged_wheel' }, priority: 3 },
    { why: 'a blow-out', f: { issue: 'blowout' }, priority: 2 },
    { why: 'a puncture on the motorway', f: { onMotorway: true }, priority: 2 },
    { why: 'a puncture with vulnerable occupants', f: { vulnerableOccupants: true }, priority: 2 },
    { why: 'a puncture in severe weather', f: { weather: 'severe' }, priority: 3 },
    { why: 'a puncture in merely elevated weather', f: { weather: 'elevated' }, priority: 4 },
    { why: 'a puncture at 23:00 UK time', f: { at: new Date('2026-03-10T23:00:00Z') }, priority: 3 },
    { why: 'a motorway blow-out', f: { issue: 'blowout', onMotorway: true }, priority: 1 },
    {
      why: 'everything at once (never better than 1)',
      f: {
        issue: 'blowout',
        onMotorway: true,
        vulnerableOccupants: true,
        weather: 'severe',
        at: new Date('2026-03-10T02:00:00Z'),
      },
      priority: 1,
    },
  ] as const)('gives $why priority $priority', ({ f, priority }) => {
    expect(computePriority({ ...base, ...f })).toBe(priority);
  });
});

describe('isUkNight', () => {
  it.each([
    { at: '2026-01-15T21:59:00Z', night: false, why: '21:59 GMT' },
    { at: '2026-01-15T22:00:00Z', night: true, why: '22:00 GMT' },
    { at: '2026-01-15T05:59:00Z', night: true, why: '05:59 GMT' },
    { at: '2026-01-15T06:00:00Z', night: false, why: '06:00 GMT' },
    // In summer UK time is BST (UTC+1): 21:30 UTC is already 22:30 in London.
    { at: '2026-07-15T21:30:00Z', night: true, why: '22:30 BST' },
    { at: '2026-07-15T05:30:00Z', night: false, why: '06:30 BST' },
  ])('says $why is night: $night', ({ at, night }) => {
    expect(isUkNight(new Date(at))).toBe(night);
  });
});
