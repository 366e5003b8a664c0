import { describe, expect, it } from 'vitest';
import {
  atRiskWithinMinutes,
  byUrgency,
  mapStatusOf,
  minutesToDeadline,
  slaRisk,
  type RiskInput,
  type SlaRisk,
} from '#shared/domain/live-map.js';

const now = new Date('2026-01-14T14:00:00Z');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const fresh = at(-2);

describe('mapStatusOf', () => {
  it.each([
    { why: 'available with a fresh fix', t: { status: 'available', recordedAt: at(-1) }, shows: 'available' },
    { why: 'available, fix exactly at the cut-off', t: { status: 'available', recordedAt: fresh }, shows: 'available' },
    {
      why: 'available, fix a second older than the cut-off',
      t: { status: 'available', recordedAt: new Date(fresh.getTime() - 1000) },
      shows: 'silent',
    },
    { why: 'on a break with a fresh fix', t: { status: 'on_break', recordedAt: at(-1) }, shows: 'on_break' },
    { why: 'on a break and silent', t: { status: 'on_break', recordedAt: at(-30) }, shows: 'silent' },
    { why: 'available with a location but no fix time', t: { status: 'available' }, shows: 'silent' },
    { why: 'busy with a fresh fix', t: { status: 'busy', currentJob: 'j', recordedAt: at(-1) }, shows: 'busy' },
    { why: 'busy and silent (busy wins)', t: { status: 'busy', currentJob: 'j', recordedAt: at(-30) }, shows: 'busy' },
    {
      why: 'holding a job whatever the status says',
      t: { status: 'available', currentJob: 'j', recordedAt: at(-30) },
      shows: 'busy',
    },
    { why: 'offline', t: { status: 'offline', recordedAt: at(-1) }, shows: undefined },
    { why: 'offline and silent', t: { status: 'offline', recordedAt: at(-60) }, shows: undefined },
    { why: 'never located', t: { status: 'available', hasLocation: false }, shows: undefined },
    { why: 'never located though busy', t: { status: 'busy', currentJob: 'j', hasLocation: false }, shows: undefined },
  ] as const)('$why → $shows', ({ t, shows }) => {
    expect(mapStatusOf({ hasLocation: true, ...t }, fresh)).toBe(shows);
  });
});

describe('slaRisk', () => {
  const deadline = at(60);
  const base: RiskInput = { status: 'pending', slaDeadline: deadline, slaAtRisk: false };
  it.each([
    { why: 'pending with an hour left', r: {}, risk: 'on-track' },
    { why: 'pending with 21 minutes left', r: { slaDeadline: at(21) }, risk: 'on-track' },
    {
      why: `pending with ${atRiskWithinMinutes} minutes left`,
      r: { slaDeadline: at(atRiskWithinMinutes) },
      risk: 'at-risk',
    },
    { why: 'pending with a minute left', r: { slaDeadline: at(1) }, risk: 'at-risk' },
    { why: 'pending at the deadline', r: { slaDeadline: now }, risk: 'late' },
    { why: 'pending past the deadline', r: { slaDeadline: at(-5) }, risk: 'late' },
    { why: 'pending, flagged by dispatch (nobody can make it)', r: { slaAtRisk: true }, risk: 'at-risk' },
    { why: 'assigned, ETA before the deadline', r: { status: 'assigned', eta: at(30) }, risk: 'on-track' },
    { why: 'assigned, ETA at the deadline', r: { status: 'assigned', eta: deadline }, risk: 'on-track' },
    { why: 'assigned, ETA a minute past the deadline', r: { status: 'assigned', eta: at(61) }, risk: 'at-risk' },
    {
      why: 'en route with 5 minutes left and an ETA before it',
      r: { status: 'en_route', slaDeadline: at(5), eta: at(3) },
      risk: 'on-track',
    },
    { why: 'en route past the deadline', r: { status: 'en_route', slaDeadline: at(-1), eta: at(3) }, risk: 'late' },
    {
      why: 'assigned without an ETA, 10 minutes left',
      r: { status: 'assigned', slaDeadline: at(10) },
      risk: 'at-risk',
    },
    {
      why: 'on site before the deadline',
      r: { status: 'on_site', onSiteAt: at(-10), slaDeadline: at(-5) },
      risk: 'on-track',
    },
    {
      why: 'on site exactly at the deadline',
      r: { status: 'on_site', onSiteAt: at(-5), slaDeadline: at(-5) },
      risk: 'on-track',
    },
    {
      why: 'on site after the deadline',
      r: { status: 'on_site', onSiteAt: at(-4), slaDeadline: at(-5) },
      risk: 'late',
    },
    {
      why: 'on site, flagged at risk before arrival',
      r: { status: 'on_site', onSiteAt: at(-10), slaAtRisk: true },
      risk: 'on-track',
    },
  ] as const)('$why → $risk', ({ r, risk }) => {
    expect(slaRisk({ ...base, ...r }, now)).toBe(risk);
  });
});

describe('minutesToDeadline', () => {
  it.each([
    [at(75), 75],
    [at(-5), -5],
    [new Date(now.getTime() + 29_999), 0],
    [new Date(now.getTime() + 30_000), 1],
  ])('%s → %i', (deadline, minutes) => expect(minutesToDeadline(deadline, now)).toBe(minutes));
});

describe('byUrgency', () => {
  it('puts late first, then at risk, then on track; nearest deadline, then priority, then id within each', () => {
    const r = (id: string, risk: SlaRisk, deadline: number, priority = 3) => ({
      id,
      risk,
      slaDeadline: at(deadline),
      priority,
    });
    const sorted = [
      r('a', 'on-track', 10),
      r('b', 'late', 50),
      r('c', 'at-risk', 40),
      r('d', 'late', -5),
      r('e', 'at-risk', 40, 1),
      r('f', 'at-risk', 40, 1),
    ].sort(byUrgency);
    expect(sorted.map((x) => x.id)).toEqual(['d', 'b', 'e', 'f', 'c', 'a']);
  });
});
