// PostgreSQL implementation of RequestStore: every SQL statement about emergency requests lives here.
import type pg from 'pg';
import type { EmergencyRequest, NewEmergency, RequestStatus } from '#shared/domain/emergency.js';
import { openStatuses } from '#shared/domain/emergency.js';
import { transitions, type JobAction } from '#shared/domain/job-lifecycle.js';
import {
  ReferenceTaken,
  type Assignment,
  type EtaBasis,
  type InsertOutcome,
  type RatingOutcome,
  type RequestStore,
  type StepEvidence,
  type TransitionOutcome,
} from '#shared/ports/request-store.js';
import type { PhoneProtection } from '#shared/ports/phone-protection.js';
import type { TechnicianProfile } from '#shared/ports/technician-directory.js';
import { guarded, inTransaction } from './pool.js';

export interface RequestRow {
  id: string;
  reference: string;
  customer_name: string;
  /** Plaintext only in rows stored before migration 0006 and not yet converted. */
  phone: string | null;
  phone_hash: string | null;
  phone_sealed: string | null;
  latitude: number;
  longitude: number;
  geohash: string;
  address: string | null;
  postcode: string | null;
  vehicle_make_model: string;
  vehicle_registration: string | null;
  issue: EmergencyRequest['issue'];
  on_motorway: boolean;
  vulnerable_occupants: boolean;
  notes: string | null;
  priority: number;
  status: RequestStatus;
  technician_id: string | null;
  created_at: Date;
  assigned_at: Date | null;
  en_route_at: Date | null;
  on_site_at: Date | null;
  completed_at: Date | null;
  cancelled_at: Date | null;
  accepted_at: Date | null;
  eta: Date | null;
  declined_by: string[];
  sla_at_risk: boolean;
  sla_deadline: Date;
  tracking_token_hash: string;
  is_test: boolean;
  arrival_code: string;
  arrival_distance_m: number | null;
  arrival_verified_at: Date | null;
  arrival_code_failures: number;
  completed_by_method: 'code' | 'override' | null;
  rating: number | null;
  rating_comment: string | null;
  rated_at: Date | null;
}

const opt = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

export function toRequest(row: RequestRow, phone: string): EmergencyRequest {
  return {
    id: row.id,
    reference: row.reference,
    customerName: row.customer_name,
    phone,
    location: { lat: row.latitude, lon: row.longitude },
    geohash: row.geohash,
    address: opt(row.address),
    postcode: opt(row.postcode),
    vehicleMakeModel: row.vehicle_make_model,
    vehicleRegistration: opt(row.vehicle_registration),
    issue: row.issue,
    onMotorway: row.on_motorway,
    vulnerableOccupants: row.vulnerable_occupants,
    notes: opt(row.notes),
    priority: row.priority,
    status: row.status,
    technicianId: opt(row.technician_id),
    createdAt: row.created_at,
    assignedAt: opt(row.assigned_at),
    enRouteAt: opt(row.en_route_at),
    onSiteAt: opt(row.on_site_at),
    completedAt: opt(row.completed_at),
    cancelledAt: opt(row.cancelled_at),
    acceptedAt: opt(row.accepted_at),
    eta: opt(row.eta),
    declinedBy: row.declined_by,
    slaAtRisk: row.sla_at_risk,
    slaDeadline: row.sla_deadline,
    trackingTokenHash: row.tracking_token_hash,
    isTest: row.is_test,
    arrivalCode: row.arrival_code,
    arrivalDistanceMeters: opt(row.arrival_distance_m),
    arrivalVerifiedAt: opt(row.arrival_verified_at),
    arrivalCodeFailures: row.arrival_code_failures,
    completedByMethod: opt(row.completed_by_method),
    rating: opt(row.rating),
    ratingComment: opt(row.rating_comment),
    ratedAt: opt(row.rated_at),
  };
}

/** A row as the request it is, with the customer's number opened from its seal, as stored before conversion, or '' once anonymised. */
export async function openRequest(row: RequestRow, phones: PhoneProtection): Promise<EmergencyRequest> {
  return toRequest(row, row.phone_sealed ? await phones.open(row.phone_sealed) : (row.phone ?? ''));
}

/** A new request as its row: the column names are the keys (the intake function reads them by name, see migration 0007). */
function insertRow(r: NewEmergency, phone: { hash: string; sealed: string }) {
  return {
    id: r.id,
    reference: r.reference,
    customer_name: r.customerName,
    phone_hash: phone.hash,
    phone_sealed: phone.sealed,
    latitude: r.location.lat,
    longitude: r.location.lon,
    geohash: r.geohash,
    address: r.address ?? null,
    postcode: r.postcode ?? null,
    vehicle_make_model: r.vehicleMakeModel,
    vehicle_registration: r.vehicleRegistration ?? null,
    issue: r.issue,
    on_motorway: r.onMotorway,
    vulnerable_occupants: r.vulnerableOccupants,
    notes: r.notes ?? null,
    priority: r.priority,
    created_at: r.createdAt,
    sla_deadline: r.slaDeadline,
    tracking_token_hash: r.trackingTokenHash,
    is_test: r.isTest,
    idempotency_key_hash: r.idempotency?.keyHash ?? null,
    request_fingerprint: r.idempotency?.fingerprint ?? null,
    answer_due_by: r.idempotency?.answerDueBy ?? null,
  };
}

/** Back to nobody's job: the technician who had it joins declined_by, so it is never offered to them again. */
const unassign =
  'technician_id = NULL, assigned_at = NULL, accepted_at = NULL, eta = NULL, declined_by = array_append(declined_by, technician_id)';

const isUniqueViolationOn = (error: unknown, constraint: string) =>
  (error as { code?: string; constraint?: string }).code === '23505' &&
  (error as { constraint?: string }).constraint === constraint;

export class PostgresRequestStore implements RequestStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly phones: PhoneProtection,
  ) {}

  private toRequest(row: RequestRow): Promise<EmergencyRequest> {
    return openRequest(row, this.phones);
  }

  private async protect(phone: string) {
    return { hash: await this.phones.lookupHash(phone), sealed: await this.phones.seal(phone) };
  }

  async insertUnlessDuplicate(
    request: NewEmergency,
    duplicateSince: Date,
    limitPerHour: number,
    replaySince: Date,
  ): Promise<InsertOutcome> {
    const phone = await this.protect(request.phone);
    return guarded('storing an emergency', async () => {
      try {
        // One round trip: the function takes the per-phone advisory lock (and the key's), then checks for a retry or a
        // duplicate, counts the phone's last hour and inserts, each with a snapshot taken after the lock, so two
        // simultaneous calls from one phone can neither both insert nor both slip under the limit (0009, 0012, 0015).
        const { rows } = await this.pool.query<
          RequestRow & { outcome: InsertOutcome['kind']; first_answer: string | null; answer_due_by: Date | null }
        >(
          'SELECT s.outcome, s.first_answer, (s.stored).* FROM store_emergency_once($1::jsonb, $2, $3::request_status[], $4, $5, $6) s',
          [
            JSON.stringify(insertRow(request, phone)),
            duplicateSince,
            openStatuses,
            request.phone,
            limitPerHour,
            replaySince,
          ],
        );
        const { outcome, first_answer: answer, ...row } = rows[0]!;
        if (outcome === 'key-reused') return { kind: 'key-reused' };
        if (outcome === 'replayed') {
          return {
            kind: 'replayed',
            request: await this.toRequest(row),
            ...(answer !== null ? { answer } : {}),
            ...(row.answer_due_by ? { answerDueBy: row.answer_due_by } : {}),
          };
        }
        if (outcome === 'duplicate')
          return { kind: 'duplicate', existing: { id: row.id, reference: row.reference, status: row.status } };
        if (outcome === 'rate-limited') {
          // The returned row is the one whose hour ends first among the counted: a slot frees when it does.
          const freesAt = row.created_at.getTime() + 3_600_000;
          return {
            kind: 'rate-limited',
            retryAfterSeconds: Math.max(1, Math.ceil((freesAt - request.createdAt.getTime()) / 1000)),
          };
        }
        // Stored as given: the function no longer sends the new row back (migration 0016), the caller built it.
        return { kind: 'created', request: { ...request, status: 'pending', declinedBy: [], slaAtRisk: false } };
      } catch (error) {
        if (isUniqueViolationOn(error, 'emergency_requests_reference_key')) throw new ReferenceTaken(request.reference);
        throw error;
      }
    });
  }

  recordAnswer(requestId: string, answer: string): Promise<void> {
    return guarded('storing an intake answer', async () => {
      // The first answer stays: a retry that took over after a lost one must not replace what a client may have seen.
      await this.pool.query(
        'INSERT INTO intake_answers (request_id, answer) VALUES ($1, $2) ON CONFLICT (request_id) DO NOTHING',
        [requestId, answer],
      );
    });
  }

  async insertIfAbsent(request: NewEmergency): Promise<boolean> {
    const phone = await this.protect(request.phone);
    return guarded('replaying a buffered emergency', async () => {
      const row = insertRow(request, phone);
      const { rowCount } = await this.pool.query(
        `INSERT INTO emergency_requests (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row)
          .map((_, i) => `$${i + 1}`)
          .join(', ')}) ON CONFLICT (id) DO NOTHING`,
        Object.values(row),
      );
      return rowCount === 1;
    });
  }

  findById(id: string): Promise<EmergencyRequest | undefined> {
    return guarded('reading an emergency', async () => {
      const { rows } = await this.pool.query<RequestRow>('SELECT * FROM emergency_requests WHERE id = $1', [id]);
      return rows[0] ? this.toRequest(rows[0]) : undefined;
    });
  }

  findByReference(reference: string): Promise<EmergencyRequest | undefined> {
    return guarded('reading an emergency', async () => {
      const { rows } = await this.pool.query<RequestRow>('SELECT * FROM emergency_requests WHERE reference = $1', [
        reference,
      ]);
      return rows[0] ? this.toRequest(rows[0]) : undefined;
    });
  }

  transition(
    id: string,
    action: JobAction,
    at: Date | (() => Date),
    technicianId?: string,
    evidence?: StepEvidence,
  ): Promise<TransitionOutcome> {
    const t = transitions[action];
    // Column names come from the fixed transition table, never from input.
    const sets = [`status = '${t.to}'`, ...(t.stamps ? [`${t.stamps} = $2`] : [])];
    if (action === 'decline') sets.push(unassign);
    const params: unknown[] = [];
    const param = (value: unknown) => `$${3 + params.push(value) - 1}`;
    if (evidence?.kind === 'arrival')
      sets.push(`arrival_verified_at = $2, arrival_distance_m = ${param(evidence.distanceMeters)}`);
    if (evidence?.kind === 'code') sets.push(`completed_by_method = 'code'`);
    if (evidence?.kind === 'override') {
      sets.push(
        `completed_by_method = 'override', arrival_verified_at = NULL, completion_override_reason = ${param(evidence.reason)}, completion_override_by = ${param(evidence.by)}`,
      );
    }
    return guarded(`applying ${action}`, () =>
      inTransaction(this.pool, async (client) => {
        // Lock first, decide and read the time under the lock: concurrent steps queue here, so each sees the last
        // one's result and no stamp can be older than one already written.
        const { rows: locked } = await client.query<RequestRow>(
          'SELECT * FROM emergency_requests WHERE id = $1 FOR UPDATE',
          [id],
        );
        const current = locked[0];
        if (!current) return { kind: 'not-found' } as const;
        if (technicianId !== undefined && current.technician_id !== technicianId) return { kind: 'not-yours' } as const;
        // The same step again (a retry, a double tap, a race): the same answer, no new stamp, no audit row.
        if (t.stamps && current.status === t.to && current[t.stamps] !== null) {
          return {
            kind: 'applied',
            repeated: true,
            request: await this.toRequest(current),
            previous: { status: current.status, technicianId: opt(current.technician_id) },
          } as const;
        }
        if (!t.from.includes(current.status)) return { kind: 'not-allowed', status: current.status } as const;
        const stampedAt = typeof at === 'function' ? at() : at;
        // Only a stamping step binds the time: PostgreSQL refuses a parameter the statement does not use (decline).
        const { rows } = await client.query<RequestRow>(
          `UPDATE emergency_requests SET ${sets.join(', ')} WHERE id = $1 RETURNING *`,
          t.stamps ? [id, stampedAt, ...params] : [id],
        );
        return {
          kind: 'applied',
          repeated: false,
          request: await this.toRequest(rows[0]!),
          previous: { status: current.status, technicianId: opt(current.technician_id) },
        } as const;
      }),
    );
  }

  rate(id: string, rating: number, comment: string | undefined, at: Date): Promise<RatingOutcome> {
    return guarded('storing a rating', async () => {
      // One guarded UPDATE: only a completed, unrated job takes it, so two submissions cannot both land.
      const { rows } = await this.pool.query<RequestRow>(
        `UPDATE emergency_requests SET rating = $2, rating_comment = $3, rated_at = $4 WHERE id = $1 AND status = 'completed' AND rated_at IS NULL RETURNING *`,
        [id, rating, comment ?? null, at],
      );
      if (rows[0]) return { kind: 'rated', request: await this.toRequest(rows[0]) };
      const { rows: current } = await this.pool.query<{ status: RequestStatus; rated_at: Date | null }>(
        'SELECT status, rated_at FROM emergency_requests WHERE id = $1',
        [id],
      );
      if (!current[0]) return { kind: 'not-found' };
      return current[0].rated_at ? { kind: 'already-rated' } : { kind: 'not-completed', status: current[0].status };
    });
  }

  recordArrivalCodeFailure(id: string): Promise<number> {
    return guarded('recording a wrong arrival code', async () => {
      const { rows } = await this.pool.query<{ failures: number }>(
        'UPDATE emergency_requests SET arrival_code_failures = arrival_code_failures + 1 WHERE id = $1 RETURNING arrival_code_failures AS failures',
        [id],
      );
      return rows[0]?.failures ?? 0;
    });
  }

  assignIfPending(
    id: string,
    technicianId: string,
    at: Date,
    eta: Date,
    keptAnswer?: string,
    etaBasis?: EtaBasis,
  ): Promise<Assignment | undefined> {
    return guarded('assigning a technician', async () => {
      // One round trip: the assignment (its audit row written by the trigger), who the technician is, for the SMS, and
      // an intake's kept answer. Only the id comes back: the caller holds the request (sending the whole row back cost
      // PostgreSQL and node both).
      const { rows } = await this.pool.query<{ id: string; technician_profile: TechnicianProfile | null }>(
        `WITH assigned AS (
           UPDATE emergency_requests
              SET status = 'assigned', technician_id = $2, assigned_at = $3, eta = $4, sla_at_risk = false,
                  dispatch_attempts = dispatch_attempts + 1, last_dispatch_at = $3,
                  eta_method = $6, heuristic_eta_minutes = $7, road_eta_minutes = $8
            WHERE id = $1 AND status = 'pending'
              -- Belt and braces behind the fleet-separated search: a test request only to a test technician, and never the reverse.
              AND is_test = (SELECT t.is_test FROM technicians t WHERE t.id = $2)
            RETURNING id),
         kept AS (
           INSERT INTO intake_answers (request_id, answer)
           SELECT assigned.id, $5::text FROM assigned WHERE $5::text IS NOT NULL
           ON CONFLICT (request_id) DO NOTHING)
         SELECT assigned.id, (SELECT json_build_object('id', t.id, 'name', t.name, 'phone', t.phone, 'van', t.van, 'active', t.active) FROM technicians t WHERE t.id = $2) AS technician_profile
           FROM assigned`,
        [
          id,
          technicianId,
          at,
          eta,
          keptAnswer ?? null,
          etaBasis?.method ?? null,
          etaBasis?.heuristicMinutes ?? null,
          etaBasis?.roadMinutes ?? null,
        ],
      );
      if (!rows[0]) return undefined;
      const { id: requestId, technician_profile: technician } = rows[0];
      return { requestId, ...(technician ? { technician } : {}) };
    });
  }

  recordDispatchAttempt(id: string, at: Date, slaAtRisk: boolean): Promise<{ newlyAtRisk: boolean }> {
    return guarded('recording a dispatch attempt', async () => {
      const { rows } = await this.pool.query<{ was_at_risk: boolean }>(
        `WITH previous AS (SELECT id, sla_at_risk AS was_at_risk FROM emergency_requests WHERE id = $1 AND status = 'pending' FOR UPDATE)
         UPDATE emergency_requests r SET dispatch_attempts = dispatch_attempts + 1, last_dispatch_at = $2, sla_at_risk = $3
           FROM previous WHERE r.id = previous.id
         RETURNING previous.was_at_risk`,
        [id, at, slaAtRisk],
      );
      return { newlyAtRisk: slaAtRisk && rows[0]?.was_at_risk === false };
    });
  }

  recordDispatchAttempts(
    attempts: readonly { id: string; slaAtRisk: boolean }[],
    at: Date,
  ): Promise<{ newlyAtRisk: ReadonlySet<string> }> {
    if (attempts.length === 0) return Promise.resolve({ newlyAtRisk: new Set() });
    return guarded('recording dispatch attempts', async () => {
      const { rows } = await this.pool.query<{ id: string; newly: boolean }>(
        // Rows locked in id order, so two runs over overlapping backlogs cannot deadlock.
        `WITH attempt AS (SELECT * FROM unnest($1::uuid[], $2::boolean[]) AS a(id, at_risk)),
              previous AS (SELECT r.id, r.sla_at_risk AS was_at_risk, a.at_risk FROM emergency_requests r
                             JOIN attempt a ON a.id = r.id WHERE r.status = 'pending' ORDER BY r.id FOR UPDATE OF r)
         UPDATE emergency_requests r SET dispatch_attempts = dispatch_attempts + 1, last_dispatch_at = $3, sla_at_risk = previous.at_risk
           FROM previous WHERE r.id = previous.id
         RETURNING r.id::text AS id, previous.at_risk AND NOT previous.was_at_risk AS newly`,
        [attempts.map((a) => a.id), attempts.map((a) => a.slaAtRisk), at],
      );
      return { newlyAtRisk: new Set(rows.filter((r) => r.newly).map((r) => r.id)) };
    });
  }

  reclaimUnaccepted(id: string, technicianId: string, offeredBefore: Date): Promise<EmergencyRequest | undefined> {
    return guarded('reclaiming an unaccepted assignment', async () => {
      const { rows } = await this.pool.query<RequestRow>(
        `UPDATE emergency_requests
            SET status = 'pending', ${unassign}
          WHERE id = $1 AND status = 'assigned' AND technician_id = $2 AND accepted_at IS NULL AND assigned_at < $3
          RETURNING *`,
        [id, technicianId, offeredBefore],
      );
      return rows[0] ? this.toRequest(rows[0]) : undefined;
    });
  }

  findPending(limit: number): Promise<EmergencyRequest[]> {
    return guarded('listing pending emergencies', async () => {
      const { rows } = await this.pool.query<RequestRow>(
        // Urgency ages: each priority step counts as 10 minutes of waiting, so a priority-3 request outranks a new
        // priority-1 one after 20 minutes and nobody starves behind a stream of more urgent calls.
        `SELECT * FROM emergency_requests WHERE status = 'pending' ORDER BY created_at + (priority - 1) * interval '10 minutes', created_at LIMIT $1`,
        [limit],
      );
      return Promise.all(rows.map((row) => this.toRequest(row)));
    });
  }

  countPendingInCell(cell: string, isTest: boolean, exceptId: string): Promise<number> {
    return guarded('counting pending emergencies in an area', async () => {
      const { rows } = await this.pool.query<{ pending: number }>(
        // Pending rows are few (the open-status index), so the prefix test runs over a handful of them.
        `SELECT count(*)::int AS pending FROM emergency_requests WHERE status = 'pending' AND is_test = $2 AND id <> $3 AND left(geohash, length($1)) = $1`,
        [cell, isTest, exceptId],
      );
      return rows[0]!.pending;
    });
  }

  findUnacceptedSince(before: Date, limit: number): Promise<EmergencyRequest[]> {
    return guarded('listing unaccepted assignments', async () => {
      const { rows } = await this.pool.query<RequestRow>(
        `SELECT * FROM emergency_requests WHERE status = 'assigned' AND accepted_at IS NULL AND assigned_at < $1 ORDER BY assigned_at LIMIT $2`,
        [before, limit],
      );
      return Promise.all(rows.map((row) => this.toRequest(row)));
    });
  }

  countPending(): Promise<number> {
    return guarded('counting pending emergencies', async () => {
      const { rows } = await this.pool.query<{ pending: number }>(
        `SELECT count(*) AS pending FROM emergency_requests WHERE status = 'pending' AND NOT is_test`,
      );
      return rows[0]!.pending;
    });
  }

  findSlaAtRisk(now: Date, limit: number): Promise<EmergencyRequest[]> {
    return guarded('listing requests at risk of missing the SLA', async () => {
      const { rows } = await this.pool.query<RequestRow>(
        `SELECT * FROM emergency_requests
          WHERE status IN ('pending', 'assigned', 'en_route') AND NOT is_test
            AND (sla_at_risk OR sla_deadline <= $1 OR eta > sla_deadline)
          ORDER BY sla_deadline LIMIT $2`,
        [now, limit],
      );
      return Promise.all(rows.map((row) => this.toRequest(row)));
    });
  }

  findHolders(ids: readonly string[]): Promise<Map<string, { status: RequestStatus; technicianId?: string }>> {
    return guarded('finding who holds requests', async () => {
      // A held job that is not even a UUID cannot be a request; it stays out of the map, so its holder is freed.
      const uuids = ids.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
      if (uuids.length === 0) return new Map();
      const { rows } = await this.pool.query<Pick<RequestRow, 'id' | 'status' | 'technician_id'>>(
        'SELECT id, status, technician_id FROM emergency_requests WHERE id = ANY($1::uuid[])',
        [uuids],
      );
      return new Map(rows.map((r) => [r.id, { status: r.status, technicianId: opt(r.technician_id) }]));
    });
  }

  ping(timeoutMs: number): Promise<void> {
    return guarded('checking health', async () => {
      await this.pool.query({ text: 'SELECT 1', query_timeout: timeoutMs } as pg.QueryConfig);
    });
  }
}
