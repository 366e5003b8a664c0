// PostgreSQL IncidentBroadcasts: recipients from the open queue, claims in incident_broadcasts (migration 0004).
import type pg from 'pg';
import type { RequestStatus } from '#shared/domain/emergency.js';
import type { BroadcastRecipient, IncidentBroadcasts } from '#shared/ports/incident-broadcasts.js';
import type { PhoneProtection } from '#shared/ports/phone-protection.js';
import { guarded } from './pool.js';

export const broadcastQueries = {
  // One row per phone: a customer with two open requests gets one message, about the most urgent.
  // Claims are keyed by the phone's keyed hash (migration 0006); a row not yet converted still has its plain number.
  openRecipients: `SELECT DISTINCT ON (coalesce(r.phone_hash, r.phone)) r.id, r.reference, r.phone, r.phone_sealed, coalesce(r.phone_hash, r.phone) AS claim_key, r.status, r.eta, r.latitude, r.longitude,
           EXISTS (SELECT 1 FROM incident_broadcasts b WHERE b.incident_id = $1 AND b.phone_hash = coalesce(r.phone_hash, r.phone)) AS already_notified
      FROM emergency_requests r
     WHERE r.status IN ('pending', 'assigned', 'en_route', 'on_site') AND NOT r.is_test
     ORDER BY coalesce(r.phone_hash, r.phone), r.priority, r.created_at`,
} as const;

export class PostgresIncidentBroadcasts implements IncidentBroadcasts {
  constructor(
    private readonly pool: pg.Pool,
    private readonly phones: PhoneProtection,
  ) {}

  private async claimKey(phone: string): Promise<string> {
    return this.phones.lookupHash(phone);
  }

  openRecipients(incidentId: string): Promise<BroadcastRecipient[]> {
    return guarded('listing broadcast recipients', async () => {
      const { rows } = await this.pool.query<{
        id: string;
        reference: string;
        phone: string | null;
        phone_sealed: string | null;
        status: RequestStatus;
        eta: Date | null;
        latitude: number;
        longitude: number;
        already_notified: boolean;
      }>(broadcastQueries.openRecipients, [incidentId]);
      // A row not yet converted is matched above by its plain number, but claims always hold the keyed hash, which
      // only this side can compute: look those up again by hash.
      const plain = await Promise.all(
        rows.map(async (r) => (r.phone_sealed || r.already_notified ? undefined : this.claimKey(r.phone!))),
      );
      const plainKeys = plain.filter((k): k is string => k !== undefined);
      const claimed = new Set<string>();
      if (plainKeys.length > 0) {
        const { rows: claims } = await this.pool.query<{ phone_hash: string }>(
          'SELECT phone_hash FROM incident_broadcasts WHERE incident_id = $1 AND phone_hash = ANY($2::text[])',
          [incidentId, plainKeys],
        );
        for (const c of claims) claimed.add(c.phone_hash);
      }
      return Promise.all(
        rows.map(async (r, i) => ({
          requestId: r.id,
          reference: r.reference,
          phone: r.phone_sealed ? await this.phones.open(r.phone_sealed) : r.phone!,
          status: r.status,
          eta: r.eta ?? undefined,
          location: { lat: r.latitude, lon: r.longitude },
          alreadyNotified: r.already_notified || (plain[i] !== undefined && claimed.has(plain[i])),
        })),
      );
    });
  }

  async claim(
    incidentId: string,
    recipient: Pick<BroadcastRecipient, 'phone' | 'requestId'>,
    at: Date,
  ): Promise<boolean> {
    const key = await this.claimKey(recipient.phone);
    return guarded('claiming a broadcast recipient', async () => {
      const { rowCount } = await this.pool.query(
        `INSERT INTO incident_broadcasts (incident_id, phone_hash, request_id, claimed_at) VALUES ($1, $2, $3, $4) ON CONFLICT (incident_id, phone_hash) DO NOTHING`,
        [incidentId, key, recipient.requestId, at],
      );
      return rowCount === 1;
    });
  }

  async markSent(incidentId: string, phone: string, at: Date): Promise<void> {
    const key = await this.claimKey(phone);
    return guarded('recording a broadcast', async () => {
      await this.pool.query('UPDATE incident_broadcasts SET sent_at = $3 WHERE incident_id = $1 AND phone_hash = $2', [
        incidentId,
        key,
        at,
      ]);
    });
  }
}
