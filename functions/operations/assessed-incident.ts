// The assessor opening incidents: when collectMetrics' figures put the service at P1 or P2 (the same assessment
// /ops/health and /ops/metrics show), an incident is opened, or the one the assessor already has open is joined and
// raised if the severity rose. The incidents function's minute tick then pages, opens the status page and texts
// customers, as for an alarm: this only writes the record.
import { incidentId, pages, type Incident } from '#shared/domain/incident.js';
import type { SeverityAssessment } from '#shared/domain/incident-severity.js';
import type { IncidentStore, StoredIncident } from '#shared/ports/incidents.js';

/** Joins are by cause: one assessor incident at a time. */
export const assessorCause = 'assessor';
const rank = { P1: 1, P2: 2, P3: 3, P4: 4 } as const;

export async function raiseAssessedIncident(
  incidents: IncidentStore,
  assessment: SeverityAssessment,
  context: { now: Date; customersAffected: number },
): Promise<{ id: string; joined: boolean; raised: boolean } | undefined> {
  if (!pages(assessment.severity)) return undefined;
  const at = context.now.toISOString();
  const title = assessment.reasons.join('; ');
  const draft: Incident = {
    id: incidentId(context.now),
    title,
    cause: assessorCause,
    severity: assessment.severity,
    status: 'open',
    areas: [],
    customersAffected: context.customersAffected,
    openedAt: at,
    paging: { level: 1, pages: 0 },
    alarms: [],
    timeline: [{ at, by: 'collectMetrics', kind: 'opened', text: `${assessment.severity}: ${title} (assessed)` }],
  };
  const opened = await incidents.openOrJoin(draft);
  if (!opened.joined) return { id: opened.incident.id, joined: false, raised: false };
  // Joined: raise it if the assessment is more serious now, unless a person set the severity (their call stands).
  let stored: StoredIncident | undefined = opened;
  for (let attempt = 0; attempt < 3 && stored; attempt++) {
    const i = structuredClone(stored.incident);
    if (i.severityOverride || rank[assessment.severity] >= rank[i.severity])
      return { id: i.id, joined: true, raised: false };
    i.timeline.push({
      at,
      by: 'collectMetrics',
      kind: 'severity-changed',
      text: `${i.severity} → ${assessment.severity}: ${title}`,
    });
    i.severity = assessment.severity;
    i.customersAffected = Math.max(i.customersAffected, context.customersAffected);
    if (await incidents.save(i, stored.version)) return { id: i.id, joined: true, raised: true };
    stored = await incidents.get(i.id);
  }
  return { id: opened.incident.id, joined: true, raised: false };
}
