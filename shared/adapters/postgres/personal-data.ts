// PostgreSQL PersonalDataStore: the one place that knows which columns are personal and how they are anonymised.
import type pg from 'pg';
import { openStatuses } from '#shared/domain/emergency.js';
import type {
  AuditEntry,
  ErasureOutcome,
  PersonalDataHeld,
  PersonalDataStore,
  SentMessage,
} from '#shared/ports/personal-data.js';
import type { RequestStore } from '#shared/ports/request-store.js';
import { guarded, inTransaction } from './pool.js';

/** Never part of an export: secrets of ours, not data about the customer. */
const internalColumns = ['phone_sealed', 'phone_hash', 'tracking_token_hash'];
const withoutInternals = (row: Record<string, unknown> | null, phone: string) =>
  row === null
    ? null
    : {
        ...Object.fromEntries(Object.entries(row).filter(([k]) => !internalColumns.includes(k))),
        phone: row.anonymised_at ? null : phone,
      };

const byPhone = '(phone_hash = $1 OR phone = $2)';

/**
 * Name "erased"; number, postcode, address, notes, rating comment and registration removed; position rounded to 0.01° (about 1 km) and
 * the geohash cut to 6 characters (about 1.2 × 0.6 km). Aggregate figures read none of these columns.
 */
const anonymiseRows = `UPDATE emergency_requests
    SET customer_name = 'erased', phone = NULL, phone_hash = NULL, phone_sealed = NULL, postcode = NULL, address = NULL,
        notes = NULL, rating_comment = NULL, vehicle_registration = NULL, latitude = round(latitude::numeric, 2), longitude = round(longitude::numeric, 2),
        geohash = left(geohash, 6), anonymised_at = $2
  WHERE id = ANY($1::uuid[])`;

async function anonymise(
  client: pg.PoolClient,
  ids: string[],
  reason: 'subject-request' | 'retention',
  requestedBy: string | null,
  at: Date,
) {
  await client.query(anonymiseRows, [ids, at]);
  // After the UPDATE above, whose own audit row (old_row = the personal data) is scrubbed here too.
  await client.query(
    'UPDATE emergency_requests_audit SET old_row = anonymised_request_json(old_row), new_row = anonymised_request_json(new_row) WHERE request_id = ANY($1::uuid[])',
    [ids],
  );
  // Purpose and time stay, so SMS volumes remain countable; the text and the number's hash go.
  await client.query(
    'UPDATE customer_notifications SET phone_hash = NULL, message = NULL WHERE request_id = ANY($1::uuid[])',
    [ids],
  );
  await client.query('DELETE FROM incident_broadcasts WHERE request_id = ANY($1::uuid[])', [ids]);
  await client.query(
    'INSERT INTO data_erasures (reason, requested_by, request_ids, erased_at) VALUES ($1, $2, $3, $4)',
    [reason, requestedBy, ids, at],
  );
}

export class PostgresPersonalData implements PersonalDataStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly requests: Pick<RequestStore, 'findById'>,
  ) {}

  findByPhone(phoneHash: string, phone: string): Promise<PersonalDataHeld> {
    return guarded('exporting personal data', async () => {
      const { rows: ids } = await this.pool.query<{ id: string }>(
        `SELECT id FROM emergency_requests WHERE ${byPhone} ORDER BY created_at`,
        [phoneHash, phone],
      );
      const requestIds = ids.map((r) => r.id);
      const requests = (await Promise.all(requestIds.map((id) => this.requests.findById(id)))).filter(
        (r) => r !== undefined,
      );
      const { rows: audit } = await this.pool.query<{
        request_id: string;
        audit_id: string;
        operation: AuditEntry['operation'];
        changed_at: Date;
        changed_by: string;
        old_row: Record<string, unknown> | null;
        new_row: Record<string, unknown> | null;
      }>('SELECT * FROM emergency_requests_audit WHERE request_id = ANY($1::uuid[]) ORDER BY audit_id', [requestIds]);
      const { rows: sent } = await this.pool.query<{
        request_id: string | null;
        purpose: string;
        message: string | null;
        sent_at: Date;
      }>(
        'SELECT request_id, purpose, message, sent_at FROM customer_notifications WHERE phone_hash = $1 OR request_id = ANY($2::uuid[]) ORDER BY sent_at, notification_id',
        [phoneHash, requestIds],
      );
      return {
        requests,
        audit: audit.map((a) => ({
          requestId: a.request_id,
          auditId: Number(a.audit_id),
          operation: a.operation,
          changedAt: a.changed_at,
          changedBy: a.changed_by,
          oldRow: withoutInternals(a.old_row, phone),
          newRow: withoutInternals(a.new_row, phone),
        })),
        notifications: sent.map((n): SentMessage => ({
          requestId: n.request_id ?? undefined,
          purpose: n.purpose,
          message: n.message,
          sentAt: n.sent_at,
        })),
      };
    });
  }

  eraseByPhone(phoneHash: string, phone: string, requestedBy: string, at: Date): Promise<ErasureOutcome> {
    return guarded('erasing personal data', () =>
      inTransaction(this.pool, async (client) => {
        // Locked, so a request cannot be reopened or moved on while it is being erased.
        const { rows } = await client.query<{ id: string; reference: string; status: string }>(
          `SELECT id, reference, status FROM emergency_requests WHERE ${byPhone} ORDER BY created_at FOR UPDATE`,
          [phoneHash, phone],
        );
        const open = rows.filter((r) => (openStatuses as readonly string[]).includes(r.status));
        if (open.length > 0) return { kind: 'open', references: open.map((r) => r.reference) } as const;
        const ids = rows.map((r) => r.id);
        if (ids.length > 0) await anonymise(client, ids, 'subject-request', requestedBy, at);
        return { kind: 'erased', requestIds: ids } as const;
      }),
    );
  }

  anonymiseClosedBefore(closedBefore: Date, limit: number, at: Date): Promise<number> {
    return guarded('anonymising closed requests', () =>
      inTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{ id: string }>(
          `SELECT id FROM emergency_requests
            WHERE anonymised_at IS NULL AND status IN ('completed', 'cancelled') AND coalesce(completed_at, cancelled_at) < $1
            ORDER BY coalesce(completed_at, cancelled_at) LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [closedBefore, limit],
        );
        const ids = rows.map((r) => r.id);
        if (ids.length > 0) await anonymise(client, ids, 'retention', null, at);
        return ids.length;
      }),
    );
  }
}
