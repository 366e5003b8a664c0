// Converts phone numbers stored in plain text before migration 0006 into sealed numbers and keyed hashes, audit rows and
// broadcast claims included. Run by the migrate function after the SQL migrations; safe to run again (converted rows are skipped).
import type pg from 'pg';
import type { PhoneProtection } from '#shared/ports/phone-protection.js';
import { inTransaction } from './pool.js';

export async function sealPlainPhones(pool: pg.Pool, phones: PhoneProtection, batchSize = 500): Promise<number> {
  let converted = 0;
  for (;;) {
    const done = await inTransaction(pool, async (client) => {
      const { rows } = await client.query<{ id: string; phone: string }>(
        'SELECT id, phone FROM emergency_requests WHERE phone IS NOT NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED',
        [batchSize],
      );
      for (const row of rows) {
        const hash = await phones.lookupHash(row.phone);
        const sealed = await phones.seal(row.phone);
        await client.query(
          'UPDATE emergency_requests SET phone = NULL, phone_hash = $2, phone_sealed = $3 WHERE id = $1',
          [row.id, hash, sealed],
        );
        // Including the audit row the UPDATE above just wrote, whose old_row still holds the plain number.
        await client.query(
          `UPDATE emergency_requests_audit
              SET old_row = CASE WHEN old_row ? 'phone' THEN old_row || jsonb_build_object('phone', NULL, 'phone_hash', $2::text) ELSE old_row END,
                  new_row = CASE WHEN new_row ? 'phone' THEN new_row || jsonb_build_object('phone', NULL, 'phone_hash', $2::text) ELSE new_row END
            WHERE request_id = $1`,
          [row.id, hash],
        );
        await client.query('UPDATE incident_broadcasts SET phone_hash = $2 WHERE request_id = $1 AND phone_hash = $3', [
          row.id,
          hash,
          row.phone,
        ]);
      }
      return rows.length;
    });
    converted += done;
    if (done < batchSize) return converted;
  }
}
