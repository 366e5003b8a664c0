// The incident playbook's rules (shared/domain/incident.ts), on their own: ids, the lifecycle, paging and escalation,
// the customer notice's timing.
import { describe, expect, it } from 'vitest';
import {
  actionAllowed,
  customerNoticeDue,
  incidentId,
  nextStatus,
  pagingDue,
  statusPageState,
  type Incident,
} from '#shared/domain/incident.js';

const opened = '2026-12-06T03:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(opened) + minutes * 60_000);
const incident = (over: Partial<Incident> = {}): Incident => ({
  id: 'INC-20261206-030000',
  title: 't',
  cause: 'alarm:x',
  severity: 'P1',
  status: 'open',
  areas: [],
  customersAffected: 0,
  openedAt: opened,
  paging: { level: 1, pages: 0 },
  alarms: [],
  timeline: [],
  ...over,
});

describe('incidentId', () => {
  it('is INC-YYYYMMDD-HHMMSS in UTC', () => {
    expect(incidentId(new Date('2026-03-29T00:59:59.999Z'))).toBe('INC-20260329-005959');
  });
});

describe('the lifecycle', () => {
  it.each([
    ['acknowledge', 'open', true],
    ['acknowledge', 'acknowledged', false],
    ['mitigate', 'open', true],
    ['mitigate', 'mitigated', false],
    ['resolve', 'open', false],
    ['resolve', 'acknowledged', true],
    ['resolve', 'mitigated', true],
    ['update', 'resolved', false],
    ['update', 'open', true],
  ] as const)('%s from %s: %s', (action, status, ok) => {
    expect(actionAllowed(action, status)).toBe(ok);
  });

  it('moves to the step’s status; an update keeps it', () => {
    expect(nextStatus('acknowledge', 'open')).toBe('acknowledged');
    expect(nextStatus('update', 'mitigated')).toBe('mitigated');
    expect(statusPageState('acknowledged')).toBe('identified');
  });
});

describe('pagingDue', () => {
  it('pages a new P1 at once, again every 5 minutes, and escalates a level every 15 without acknowledgement', () => {
    expect(pagingDue(incident(), at(0), 3)).toEqual({ kind: 'page', level: 1, repeat: false });
    const paged = incident({ paging: { level: 1, pages: 1, lastPagedAt: opened } });
    expect(pagingDue(paged, at(4.9), 3)).toEqual({ kind: 'none' });
    expect(pagingDue(paged, at(5), 3)).toEqual({ kind: 'page', level: 1, repeat: true });
    expect(pagingDue(paged, at(15), 3)).toEqual({ kind: 'escalate', level: 2 });
    // Escalation stops at the last level; repeats carry on there.
    const top = incident({ paging: { level: 2, pages: 5, lastPagedAt: at(30).toISOString() } });
    expect(pagingDue(top, at(45), 2)).toEqual({ kind: 'page', level: 2, repeat: true });
  });

  it('gives a P2 the 15-minute response, and pages nobody for P3, P4 or an acknowledged incident', () => {
    const p2 = incident({ severity: 'P2', paging: { level: 1, pages: 1, lastPagedAt: opened } });
    expect(pagingDue(p2, at(14), 2)).toEqual({ kind: 'none' });
    expect(pagingDue(p2, at(15), 2)).toEqual({ kind: 'escalate', level: 2 });
    expect(pagingDue(incident({ severity: 'P3' }), at(0), 2)).toEqual({ kind: 'none' });
    expect(pagingDue(incident({ status: 'acknowledged' }), at(0), 2)).toEqual({ kind: 'none' });
  });
});

describe('customerNoticeDue', () => {
  it('texts after the grace period, for a P1 only, unless operations sent or cancelled it first', () => {
    expect(customerNoticeDue(incident(), at(9), 10)).toBe(false);
    expect(customerNoticeDue(incident(), at(10), 10)).toBe(true);
    // Never later than the playbook's 15 minutes, whatever the setting says.
    expect(customerNoticeDue(incident(), at(15), 60)).toBe(true);
    expect(customerNoticeDue(incident({ severity: 'P2' }), at(20), 10)).toBe(false);
    expect(
      customerNoticeDue(incident({ customerNotice: { state: 'cancelled', at: opened, by: 'ops' } }), at(20), 10),
    ).toBe(false);
    expect(customerNoticeDue(incident({ status: 'resolved' }), at(20), 10)).toBe(false);
  });
});
