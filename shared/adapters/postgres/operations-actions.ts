// PostgreSQL side of operations' actions on a request (cancel, reassign): kept apart from the request store so only the
// two functions that take these actions bundle their statements.
import type pg from 'pg';
import type { RequestStatus } from '#shared/domain/emergency.js';
import { openStatuses } from '#shared/domain/emergency.js';
import type { PhoneProtection } from '#shared/ports/phone-protection.js';
import type {
  OperationsAction,
  OperationsOutcome,
  OperationsRequestStore,
  ReassignTarget,
} from '#shared/ports/request-store.js';
import type { TechnicianProfile } from '#shared/ports/technician-directory.js';
import { guarded } from './pool.js';
import { openRequest, type RequestRow } from './request-store.js';

/** Open statuses as SQL literals (from the domain's list, never from input), so the statement can use the partial indexes. */
const openStatusList = openStatuses.map((status) => `'${status}'`).join(', ');

/** An operations action's statement answers with the changed row (NULLs if nothing changed) and the row as it was under the lock. */
type OperationsRow = RequestRow & {
  previous_status: RequestStatus;
  previous_technician_id: string | null;
  previous_is_test: boolean;
};

export class PostgresOperationsRequestStore implements OperationsRequestStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly phones: PhoneProtection,
  ) {}

  cancelByOperations(id: string, action: OperationsAction): Promise<OperationsOutcome> {
    return guarded('cancelling an emergency for operations', async () => {
      // One statement: the row is locked first (a concurrent cancel or step queues there and is then re-read), and the
      // update applies only to an open request, so of two cancels exactly one changes it and writes the audit row.
      const { rows } = await this.pool.query<OperationsRow>(
        `WITH previous AS (SELECT id, status, technician_id, is_test FROM emergency_requests WHERE id = $1 FOR UPDATE),
         changed AS (
           UPDATE emergency_requests r
              SET status = 'cancelled', cancelled_at = $2, cancellation_reason = $3, cancelled_by = $4
             FROM previous
            WHERE r.id = previous.id AND previous.status IN (${openStatusList}) AND r.status IN (${openStatusList})
            RETURNING r.*)
         SELECT changed.*, previous.status AS previous_status, previous.technician_id AS previous_technician_id, previous.is_test AS previous_is_test
           FROM previous LEFT JOIN changed ON true`,
        [id, action.at, action.reason, action.by],
      );
      const row = rows[0];
      if (!row) return { kind: 'not-found' };
      if (row.id === null)
        return {
          kind: 'not-allowed',
          status: row.previous_status,
          ...(row.previous_technician_id ? { technicianId: row.previous_technician_id } : {}),
        };
      return {
        kind: 'applied',
        request: await openRequest(row, this.phones),
        previous: {
          status: row.previous_status,
          ...(row.previous_technician_id ? { technicianId: row.previous_technician_id } : {}),
        },
      };
    });
  }

  reassignByOperations(
    id: string,
    action: OperationsAction,
    target?: ReassignTarget,
  ): Promise<OperationsOutcome & { technician?: TechnicianProfile }> {
    return guarded('reassigning an emergency for operations', async () => {
      // One statement, as for a cancel. The old technician's progress (set off, arrived, verified) is cleared with them.
      const { rows } = await this.pool.query<
        OperationsRow & { target_is_test: boolean | null; technician_profile: TechnicianProfile | null }
      >(
        `WITH previous AS (SELECT id, status, technician_id, is_test FROM emergency_requests WHERE id = $1 FOR UPDATE),
         target AS (SELECT t.is_test, json_build_object('id', t.id, 'name', t.name, 'phone', t.phone, 'van', t.van, 'active', t.active) AS profile FROM technicians t WHERE t.id = $5::text),
         changed AS (
           UPDATE emergency_requests r
              SET status = (CASE WHEN $5::text IS NULL THEN 'pending' ELSE 'assigned' END)::request_status,
                  technician_id = $5::text, assigned_at = CASE WHEN $5::text IS NULL THEN NULL ELSE $2::timestamptz END, eta = $6::timestamptz,
                  accepted_at = NULL, en_route_at = NULL, on_site_at = NULL, arrival_verified_at = NULL, arrival_distance_m = NULL,
                  sla_at_risk = CASE WHEN $5::text IS NULL THEN r.sla_at_risk ELSE $6::timestamptz > r.sla_deadline END,
                  declined_by = CASE WHEN r.technician_id IS NULL OR r.technician_id = ANY(r.declined_by) THEN r.declined_by ELSE array_append(r.declined_by, r.technician_id) END,
                  reassignment_reason = $3, reassigned_by = $4, reassigned_at = $2
             FROM previous
            WHERE r.id = previous.id AND previous.status IN (${openStatusList}) AND r.status IN (${openStatusList})
              -- A chosen technician: not the one it is with, and of the request's own fleet (a test technician only for a synthetic request).
              AND ($5::text IS NULL OR (r.technician_id IS DISTINCT FROM $5::text AND r.is_test = (SELECT is_test FROM target)))
            RETURNING r.*)
         SELECT changed.*, previous.status AS previous_status, previous.technician_id AS previous_technician_id, previous.is_test AS previous_is_test,
                (SELECT is_test FROM target) AS target_is_test, (SELECT profile FROM target) AS technician_profile
           FROM previous LEFT JOIN changed ON true`,
        [id, action.at, action.reason, action.by, target?.technicianId ?? null, target?.eta ?? null],
      );
      const row = rows[0];
      if (!row) return { kind: 'not-found' };
      const previous = {
        status: row.previous_status,
        ...(row.previous_technician_id ? { technicianId: row.previous_technician_id } : {}),
      };
      if (row.id === null) {
        if (
          !openStatuses.includes(row.previous_status) ||
          (target && row.previous_technician_id === target.technicianId)
        )
          return { kind: 'not-allowed', ...previous };
        return { kind: 'not-eligible', status: row.previous_status };
      }
      const { technician_profile: technician } = row;
      return {
        kind: 'applied',
        request: await openRequest(row, this.phones),
        previous,
        ...(target && technician ? { technician } : {}),
      };
    });
  }
}
