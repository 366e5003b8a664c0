// Incident response's composition: the store, the services, and what it takes from other features (operations'
// incident broadcast for customer texts, the platform's deep health check for diagnostics, disaster recovery's drill
// for the recovery validation).
import { resolvedText } from '#shared/domain/incident-broadcast.js';
import type { CustomerNotices } from '#shared/ports/incidents.js';
import { broadcastIncident, type BroadcastDeps } from '#functions/operations/index.js';

/**
 * Customer texts through operations' incident broadcast: every customer with an open request, once per notice (its
 * claims), through the SMS guard, caps and fallback, never to the test fleet.
 */
export const customerNotices = (deps: BroadcastDeps): CustomerNotices => ({
  async send(incidentId, kind) {
    const report = await broadcastIncident(
      deps,
      // The resolution is its own notice: its own claims, so each customer hears it once too.
      { incidentId: kind === 'resolved' ? `${incidentId}-resolved` : incidentId, send: true },
      kind === 'resolved' ? resolvedText : undefined,
    );
    return { recipients: report.recipients + report.alreadyNotified, sent: report.sent, failed: report.failed.length };
  },
});
