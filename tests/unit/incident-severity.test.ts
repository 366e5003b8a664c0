import { describe, expect, it } from 'vitest';
import { assessSeverity, type IncidentSignals } from '#shared/domain/incident-severity.js';

const calm: IncidentSignals = {
  service: 'up',
  affectedCustomers: 0,
  dataIntegrityFailure: false,
  security: 'none',
  queueLength: 0,
};

describe('assessSeverity', () => {
  it.each([
    { why: 'all quiet', s: {}, severity: 'P4' },
    { why: 'a normal queue of 5 and nothing else', s: { queueLength: 5 }, severity: 'P4' },
    { why: 'the service down', s: { service: 'down' }, severity: 'P1' },
    { why: 'the service degraded', s: { service: 'degraded' }, severity: 'P3' },
    // Affected customers: 0 | 1 | 100 | 101 | 1000 | 1001
    { why: 'one customer affected', s: { affectedCustomers: 1 }, severity: 'P3' },
    { why: '100 customers affected (not over 100)', s: { affectedCustomers: 100 }, severity: 'P3' },
    { why: '101 customers affected', s: { affectedCustomers: 101 }, severity: 'P2' },
    { why: '1000 customers affected (not over 1000)', s: { affectedCustomers: 1000 }, severity: 'P2' },
    { why: '1001 customers affected', s: { affectedCustomers: 1001 }, severity: 'P1' },
    // Queue: 5 | 6 | 10 | 11
    { why: 'a queue of 6', s: { queueLength: 6 }, severity: 'P2' },
    { why: 'a queue of 10 (not over 10)', s: { queueLength: 10 }, severity: 'P2' },
    { why: 'a queue of 11', s: { queueLength: 11 }, severity: 'P1' },
    { why: 'a confirmed security breach', s: { security: 'breach' }, severity: 'P1' },
    { why: 'a suspected security issue', s: { security: 'suspected' }, severity: 'P3' },
    { why: 'a data-integrity failure alone', s: { dataIntegrityFailure: true }, severity: 'P3' },
    {
      why: 'a data-integrity failure with 101 affected',
      s: { dataIntegrityFailure: true, affectedCustomers: 101 },
      severity: 'P2',
    },
    { why: 'a degraded service with a queue of 11', s: { service: 'degraded', queueLength: 11 }, severity: 'P1' },
  ] as const)('rates $why as $severity', ({ s, severity }) => {
    expect(assessSeverity({ ...calm, ...s }).severity).toBe(severity);
  });

  it('says why, naming every rule that fired at the chosen level and none below it', () => {
    expect(
      assessSeverity({
        service: 'down',
        affectedCustomers: 1500,
        dataIntegrityFailure: true,
        security: 'breach',
        queueLength: 12,
      }),
    ).toEqual({
      severity: 'P1',
      reasons: [
        'service is down',
        '1500 customers affected (over 1000)',
        'security breach',
        '12 emergencies waiting (over 10)',
      ],
    });
    expect(assessSeverity({ ...calm, queueLength: 7, affectedCustomers: 3 })).toEqual({
      severity: 'P2',
      reasons: ['7 emergencies waiting (over 5)'],
    });
    expect(assessSeverity({ ...calm, affectedCustomers: 1, security: 'suspected' })).toEqual({
      severity: 'P3',
      reasons: ['1 customer affected', 'suspected security issue'],
    });
    expect(assessSeverity(calm)).toEqual({ severity: 'P4', reasons: ['no customer impact'] });
  });
});
