// PostgreSQL side of disaster recovery: lost-request detection and replay from the audit trail, integrity queries, DR run log.
import type pg from 'pg';
import type { RequestStatus } from '#shared/domain/emergency.js';
import type {
  DrRun,
  DrRunKind,
  DrRunLog,
  LostRequest,
  MinuteCount,
  RecoveryStore,
  StuckCount,
} from '#shared/ports/disaster-recovery.js';
import { guarded } from './pool.js';

/**
 * The latest audited image of every request the trail has seen, for requests that are gone and were never deleted.
 * Columns added by later migrations are missing from older images: their defaults fill the gap.
 */
const lostImages = `
  SELECT DISTINCT ON (a.request_id) a.request_id, a.new_row
    FROM emergency_requests_audit a
   WHERE a.operation IN ('INSERT', 'UPDATE')
     AND NOT EXISTS (SELECT 1 FROM emergency_requests r WHERE r.id = a.request_id)
     AND NOT EXISTS (SELECT 1 FROM emergency_requests_audit d WHERE d.request_id = a.request_id AND d.operation = 'DELETE')
   ORDER BY a.request_id, a.audit_id DESC`;
const imageDefaults = `'{"declined_by": [], "sla_at_risk": false, "dispatch_attempts": 0, "is_test": false}'::jsonb`;

export class PostgresRecoveryStore implements RecoveryStore {
  constructor(private readonly pool: pg.Pool) {}

  findLostRequests(limit: number): Promise<LostRequest[]> {
    return guarded('finding lost requests', async () => {
      const { rows } = await this.pool.query<{
        id: string;
        reference: string;
        created_at: string;
        status: RequestStatus;
      }>(
        `SELECT request_id AS id, new_row->>'reference' AS reference, new_row->>'created_at' AS created_at, new_row->>'status' AS status
           FROM (${lostImages}) lost ORDER BY new_row->>'created_at', request_id LIMIT $1`,
        [limit],
      );
      return rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        createdAt: new Date(r.created_at),
        status: r.status,
      }));
    });
  }

  replayFromAudit(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return guarded('replaying requests from the audit trail', async () => {
      // ON CONFLICT: a request that reappeared meanwhile (a drain, a concurrent run) is kept as it is, so a rerun is harmless.
      const { rows } = await this.pool.query<{ id: string }>(
        `INSERT INTO emergency_requests
         SELECT (jsonb_populate_record(NULL::emergency_requests, ${imageDefaults} || lost.new_row)).*
           FROM (${lostImages}) lost WHERE lost.request_id = ANY($1::uuid[])
         ON CONFLICT DO NOTHING RETURNING id`,
        [ids],
      );
      return rows.map((r) => r.id);
    });
  }

  missingIds(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return guarded('checking stored requests', async () => {
      const { rows } = await this.pool.query<{ id: string }>(
        'SELECT id FROM unnest($1::uuid[]) AS wanted(id) WHERE NOT EXISTS (SELECT 1 FROM emergency_requests r WHERE r.id = wanted.id)',
        [ids],
      );
      return rows.map((r) => r.id);
    });
  }

  findStuck(now: Date, thresholdsMinutes: Partial<Record<RequestStatus, number>>): Promise<StuckCount[]> {
    const entries = Object.entries(thresholdsMinutes) as Array<[RequestStatus, number]>;
    if (entries.length === 0) return Promise.resolve([]);
    return guarded('finding stuck requests', async () => {
      // The time each status was entered is stamped by the application's clock (updated_at is the database's).
      const { rows } = await this.pool.query<{ status: RequestStatus; count: number; oldest: Date }>(
        `WITH open AS (
           SELECT r.status, CASE r.status WHEN 'pending' THEN r.created_at WHEN 'assigned' THEN r.assigned_at
                                          WHEN 'en_route' THEN r.en_route_at WHEN 'on_site' THEN r.on_site_at END AS since
             FROM emergency_requests r
            WHERE r.status IN ('pending', 'assigned', 'en_route', 'on_site') AND NOT r.is_test)
         SELECT open.status, count(*)::int AS count, min(open.since) AS oldest
           FROM open JOIN unnest($2::request_status[], $3::int[]) AS t(status, minutes) ON t.status = open.status
          WHERE open.since < $1::timestamptz - make_interval(mins => t.minutes)
          GROUP BY open.status ORDER BY open.status`,
        [now, entries.map(([s]) => s), entries.map(([, m]) => m)],
      );
      return rows.map((r) => ({ status: r.status, count: r.count, oldestSince: r.oldest }));
    });
  }

  minuteCounts(since: Date, until: Date): Promise<MinuteCount[]> {
    return guarded('counting requests per minute', async () => {
      const { rows } = await this.pool.query<{ minute: Date; count: number }>(
        `SELECT date_trunc('minute', created_at) AS minute, count(*)::int AS count
           FROM emergency_requests WHERE created_at >= $1 AND created_at < $2 AND NOT is_test
          GROUP BY 1 ORDER BY 1`,
        [since, until],
      );
      return rows;
    });
  }

  hourlyRates(since: Date, until: Date): Promise<Map<number, number>> {
    return guarded('measuring the trailing request rate', async () => {
      // Minutes of each hour of day inside the window, so a partial first or last day does not dilute the rate.
      const { rows } = await this.pool.query<{ hour: number; per_minute: number }>(
        `WITH minutes AS (
           SELECT extract(hour FROM m AT TIME ZONE 'UTC')::int AS hour, count(*) AS n
             FROM generate_series(date_trunc('minute', $1::timestamptz), $2::timestamptz - interval '1 minute', interval '1 minute') AS m GROUP BY 1),
         requests AS (
           SELECT extract(hour FROM created_at AT TIME ZONE 'UTC')::int AS hour, count(*) AS n
             FROM emergency_requests WHERE created_at >= $1 AND created_at < $2 AND NOT is_test GROUP BY 1)
         SELECT minutes.hour, coalesce(requests.n, 0)::float8 / minutes.n AS per_minute
           FROM minutes LEFT JOIN requests USING (hour)`,
        [since, until],
      );
      return new Map(rows.map((r) => [r.hour, r.per_minute]));
    });
  }
}

interface RunRow {
  id: string;
  kind: DrRunKind;
  operator: string;
  dry_run: boolean;
  started_at: Date;
  finished_at: Date;
  outcome: DrRun['outcome'];
  plan: unknown;
  result: unknown;
}

export class PostgresDrRunLog implements DrRunLog {
  constructor(private readonly pool: pg.Pool) {}

  record(run: DrRun): Promise<void> {
    return guarded('recording a DR run', async () => {
      await this.pool.query(
        'INSERT INTO dr_runs (id, kind, operator, dry_run, started_at, finished_at, outcome, plan, result) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [
          run.id,
          run.kind,
          run.operator,
          run.dryRun,
          run.startedAt,
          run.finishedAt,
          run.outcome,
          JSON.stringify(run.plan),
          JSON.stringify(run.result),
        ],
      );
    });
  }

  list(kind: DrRunKind, limit: number): Promise<DrRun[]> {
    return guarded('listing DR runs', async () => {
      const { rows } = await this.pool.query<RunRow>(
        'SELECT * FROM dr_runs WHERE kind = $1 ORDER BY started_at DESC, finished_at DESC, id LIMIT $2',
        [kind, limit],
      );
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        operator: r.operator,
        dryRun: r.dry_run,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        outcome: r.outcome,
        plan: r.plan,
        result: r.result,
      }));
    });
  }
}
