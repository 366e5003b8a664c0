// PostgreSQL IncidentBroadcasts: recipients from the open queue, claims in incident_broadcasts (migration 0004).
import type pg from 'pg';
import type { RequestStatus } from '../../domain/emergency.js';
import type { BroadcastRecipient, IncidentBroadcasts } from '../../ports/incident-broadcasts.js';
import { guarded } from './pool.js';

export const broadcastQueries = {
  // One row per phone: a customer with two open requests gets one message, about the most urgent.
  openRecipients: `SELECT DISTINCT ON (r.phone) r.id, r.reference, r.phone, r.status, r.eta,
           EXISTS (SELECT 1 FROM incident_broadcasts b WHERE b.incident_id = $1 AND b.phone = r.phone) AS already_notified
      FROM emergency_requests r
     WHERE r.status IN ('pending', 'assigned', 'en_route', 'on_site') AND NOT r.is_test
     ORDER BY r.phone, r.priority, r.created_at`,
} as const;

export class PostgresIncidentBroadcasts implements IncidentBroadcasts {
  constructor(private readonly pool: pg.Pool) {}

  openRecipients(incidentId: string): Promise<BroadcastRecipient[]> {
    return guarded('listing broadcast recipients', async () => {
      const { rows } = await this.pool.query<{ id: string; reference: string; phone: string; status: RequestStatus; eta: Date | null; already_notified: boolean }>(
        broadcastQueries.openRecipients,
        [incidentId],
      );
      return rows.map((r) => ({ requestId: r.id, reference: r.reference, phone: r.phone, status: r.status, eta: r.eta ?? undefined, alreadyNotified: r.already_notified }));
    });
  }

  claim(incidentId: string, recipient: Pick<BroadcastRecipient, 'phone' | 'requestId'>, at: Date): Promise<boolean> {
    return guarded('claiming a broadcast recipient', async () => {
      const { rowCount } = await this.pool.query(
        `INSERT INTO incident_broadcasts (incident_id, phone, request_id, claimed_at) VALUES ($1, $2, $3, $4) ON CONFLICT (incident_id, phone) DO NOTHING`,
        [incidentId, recipient.phone, recipient.requestId, at],
      );
      return rowCount === 1;
    });
  }

  markSent(incidentId: string, phone: string, at: Date): Promise<void> {
    return guarded('recording a broadcast', async () => {
      await this.pool.query('UPDATE incident_broadcasts SET sent_at = $3 WHERE incident_id = $1 AND phone = $2', [incidentId, phone, at]);
    });
  }
}
