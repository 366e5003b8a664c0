// The incident playbook's assessment: P1 (drop everything) to P4 (no customer impact), with the reasons, as one pure function.

export type Severity = 'P1' | 'P2' | 'P3' | 'P4';

/** 'down': emergencies cannot be taken or dispatched; 'degraded': they can, but something is failing. */
export type ServiceAvailability = 'up' | 'degraded' | 'down';

/** 'suspected': an indicator worth investigating (odd auth failures, a leaked key report); 'breach': confirmed. */
export type SecurityIndicator = 'none' | 'suspected' | 'breach';

export interface IncidentSignals {
  service: ServiceAvailability;
  /** Customers known to be affected (e.g. open requests already past their SLA deadline). */
  affectedCustomers: number;
  /** Stored data is wrong or missing (DR check mismatch, lost audit rows). */
  dataIntegrityFailure: boolean;
  security: SecurityIndicator;
  /** Emergencies waiting for a technician (pending, real customers only). */
  queueLength: number;
}

export interface SeverityAssessment {
  severity: Severity;
  /** Every rule that fired at the chosen level, most serious first; for P4 a single 'no customer impact'. */
  reasons: string[];
}

/** The playbook's thresholds; a change here is a change of policy, so they are named rather than configured. */
const severityThresholds = {
  p1AffectedCustomersAbove: 1000,
  p1QueueAbove: 10,
  p2AffectedCustomersAbove: 100,
  p2QueueAbove: 5,
} as const;

interface Rule {
  severity: Exclude<Severity, 'P4'>;
  applies(s: IncidentSignals): boolean;
  reason(s: IncidentSignals): string;
}

const t = severityThresholds;
const rules: readonly Rule[] = [
  { severity: 'P1', applies: (s) => s.service === 'down', reason: () => 'service is down' },
  {
    severity: 'P1',
    applies: (s) => s.affectedCustomers > t.p1AffectedCustomersAbove,
    reason: (s) => `${s.affectedCustomers} customers affected (over ${t.p1AffectedCustomersAbove})`,
  },
  { severity: 'P1', applies: (s) => s.security === 'breach', reason: () => 'security breach' },
  {
    severity: 'P1',
    applies: (s) => s.queueLength > t.p1QueueAbove,
    reason: (s) => `${s.queueLength} emergencies waiting (over ${t.p1QueueAbove})`,
  },
  {
    severity: 'P2',
    applies: (s) => s.affectedCustomers > t.p2AffectedCustomersAbove,
    reason: (s) => `${s.affectedCustomers} customers affected (over ${t.p2AffectedCustomersAbove})`,
  },
  {
    severity: 'P2',
    applies: (s) => s.queueLength > t.p2QueueAbove,
    reason: (s) => `${s.queueLength} emergencies waiting (over ${t.p2QueueAbove})`,
  },
  // P3 is the seed rules' "otherwise": anything with some impact that did not reach P1 or P2.
  { severity: 'P3', applies: (s) => s.service === 'degraded', reason: () => 'service is degraded' },
  {
    severity: 'P3',
    applies: (s) => s.affectedCustomers > 0,
    reason: (s) => `${s.affectedCustomers} customer${s.affectedCustomers === 1 ? '' : 's'} affected`,
  },
  { severity: 'P3', applies: (s) => s.dataIntegrityFailure, reason: () => 'data-integrity failure' },
  { severity: 'P3', applies: (s) => s.security === 'suspected', reason: () => 'suspected security issue' },
];

/**
 * The highest level any rule reaches. A queue of 1–5 on its own is normal business, not an incident, so with the
 * service up, nobody affected, no integrity or security signal, the answer is P4 (cosmetic or no impact).
 */
export function assessSeverity(signals: IncidentSignals): SeverityAssessment {
  for (const level of ['P1', 'P2', 'P3'] as const) {
    const fired = rules.filter((r) => r.severity === level && r.applies(signals));
    if (fired.length > 0) return { severity: level, reasons: fired.map((r) => r.reason(signals)) };
  }
  return { severity: 'P4', reasons: ['no customer impact'] };
}

/** How alert subjects carry the level, so a pager reads the same word the playbook uses. */
export const severityPrefix = (assessment: SeverityAssessment) => `[${assessment.severity}]`;
