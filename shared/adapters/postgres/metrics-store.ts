// PostgreSQL MetricsStore: one query per figure, each answered from an index (migration 0003) so they stay cheap as history grows.
import type pg from 'pg';
import type {
  EtaAgreement,
  MetricsStore,
  OpenStatus,
  PendingQueue,
  ResponseWindow,
  Satisfaction,
} from '#shared/ports/metrics-store.js';
import { guarded } from './pool.js';

/** The exact statements the store runs; exported so the EXPLAIN test checks these, not copies of them. */
export const metricsQueries = {
  openByStatus: `SELECT status, count(*) AS n FROM emergency_requests
    WHERE status IN ('pending', 'assigned', 'en_route', 'on_site') AND NOT is_test GROUP BY status`,
  pendingQueue: `SELECT min(created_at) AS oldest, count(*) FILTER (WHERE priority <= $1) AS high FROM emergency_requests
    WHERE status = 'pending' AND NOT is_test`,
  completedBetween: `SELECT count(*) AS n FROM emergency_requests
    WHERE completed_at >= $1 AND completed_at <= $2 AND NOT is_test`,
  // Only arrivals the van's position proved, and whose job was not closed by an override, count (migration 0010).
  arrivalsBetween: `SELECT count(*) AS arrived, avg(extract(epoch FROM arrival_verified_at - created_at) / 60) AS average_minutes,
           count(*) FILTER (WHERE arrival_verified_at <= sla_deadline) AS within_sla
      FROM emergency_requests WHERE arrival_verified_at >= $1 AND arrival_verified_at <= $2 AND NOT is_test`,
  // Arrival exactly at the deadline is in time (as dispatch's meetsSla has it), so a deadline at `until` has not passed yet.
  // An unverified arrival is no arrival here: the promise was not shown to be kept.
  missedUnarrivedBetween: `SELECT count(*) AS n FROM emergency_requests
    WHERE arrival_verified_at IS NULL AND sla_deadline >= $1 AND sla_deadline < $2 AND NOT is_test
      AND (cancelled_at IS NULL OR cancelled_at > sla_deadline)`,
  unverifiedCompletionsBetween: `SELECT count(*) AS n FROM emergency_requests
    WHERE completed_at >= $1 AND completed_at <= $2 AND arrival_verified_at IS NULL AND NOT is_test`,
  etaAgreementBetween: `SELECT count(*) AS compared, avg(abs(heuristic_eta_minutes - road_eta_minutes)) AS mae,
           avg(heuristic_eta_minutes - road_eta_minutes) AS bias
      FROM emergency_requests WHERE assigned_at >= $1 AND assigned_at <= $2 AND road_eta_minutes IS NOT NULL AND NOT is_test`,
  satisfactionBetween: `SELECT count(*) AS ratings, avg(rating) AS average FROM emergency_requests
    WHERE rated_at >= $1 AND rated_at <= $2 AND NOT is_test`,
  openPastDeadline: `SELECT count(*) AS n FROM emergency_requests
    WHERE status IN ('pending', 'assigned', 'en_route') AND sla_deadline < $1 AND NOT is_test`,
  createdBetween: `SELECT count(*) AS n FROM emergency_requests
    WHERE created_at >= $1 AND created_at < $2 AND NOT is_test`,
} as const;

export class PostgresMetricsStore implements MetricsStore {
  constructor(private readonly pool: pg.Pool) {}

  countOpenByStatus(): Promise<Record<OpenStatus, number>> {
    return guarded('counting open emergencies', async () => {
      const { rows } = await this.pool.query<{ status: OpenStatus; n: number }>(metricsQueries.openByStatus);
      const counts: Record<OpenStatus, number> = { pending: 0, assigned: 0, en_route: 0, on_site: 0 };
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    });
  }

  pendingQueue(highPriorityAtMost: number): Promise<PendingQueue> {
    return guarded('reading the pending queue', async () => {
      const { rows } = await this.pool.query<{ oldest: Date | null; high: number }>(metricsQueries.pendingQueue, [
        highPriorityAtMost,
      ]);
      return { oldestCreatedAt: rows[0]!.oldest ?? undefined, highPriority: rows[0]!.high };
    });
  }

  countCompleted(since: Date, until: Date): Promise<number> {
    return guarded('counting completed emergencies', async () => {
      const { rows } = await this.pool.query<{ n: number }>(metricsQueries.completedBetween, [since, until]);
      return rows[0]!.n;
    });
  }

  responseWindow(since: Date, until: Date): Promise<ResponseWindow> {
    return guarded('reading response times', async () => {
      const [arrivals, missed] = await Promise.all([
        this.pool.query<{ arrived: number; average_minutes: string | null; within_sla: number }>(
          metricsQueries.arrivalsBetween,
          [since, until],
        ),
        this.pool.query<{ n: number }>(metricsQueries.missedUnarrivedBetween, [since, until]),
      ]);
      const a = arrivals.rows[0]!;
      return {
        arrived: a.arrived,
        // numeric comes back as text, to keep its precision; minutes to a few decimals fit a double exactly enough.
        averageResponseMinutes: a.average_minutes === null ? undefined : Number(a.average_minutes),
        arrivedWithinSla: a.within_sla,
        missedUnarrived: missed.rows[0]!.n,
      };
    });
  }

  countUnverifiedCompletions(since: Date, until: Date): Promise<number> {
    return guarded('counting unverified completions', async () => {
      const { rows } = await this.pool.query<{ n: number }>(metricsQueries.unverifiedCompletionsBetween, [
        since,
        until,
      ]);
      return rows[0]!.n;
    });
  }

  satisfaction(since: Date, until: Date): Promise<Satisfaction> {
    return guarded('reading customer satisfaction', async () => {
      const { rows } = await this.pool.query<{ ratings: number; average: string | null }>(
        metricsQueries.satisfactionBetween,
        [since, until],
      );
      return { ratings: rows[0]!.ratings, ...(rows[0]!.average === null ? {} : { average: Number(rows[0]!.average) }) };
    });
  }

  etaAgreement(since: Date, until: Date): Promise<EtaAgreement> {
    return guarded("comparing the heuristic's ETAs with the road's", async () => {
      const { rows } = await this.pool.query<{ compared: number; mae: string | null; bias: string | null }>(
        metricsQueries.etaAgreementBetween,
        [since, until],
      );
      const { compared, mae, bias } = rows[0]!;
      return {
        compared,
        ...(mae === null ? {} : { meanAbsoluteErrorMinutes: Number(mae) }),
        ...(bias === null ? {} : { biasMinutes: Number(bias) }),
      };
    });
  }

  countOpenPastDeadline(now: Date): Promise<number> {
    return guarded('counting overdue emergencies', async () => {
      const { rows } = await this.pool.query<{ n: number }>(metricsQueries.openPastDeadline, [now]);
      return rows[0]!.n;
    });
  }

  countCreated(since: Date, until: Date): Promise<number> {
    return guarded('counting new emergencies', async () => {
      const { rows } = await this.pool.query<{ n: number }>(metricsQueries.createdBetween, [since, until]);
      return rows[0]!.n;
    });
  }
}
