// Requests whose 90-minute promise fell due in a window and was broken: nobody on site by the deadline (real requests).
import type pg from 'pg';
import { guarded } from './pool.js';

export class PostgresSlaBreaches {
  constructor(private readonly pool: pg.Pool) {}

  count(from: Date, to: Date): Promise<number> {
    return guarded('counting SLA breaches', async () => {
      const { rows } = await this.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM emergency_requests
          WHERE NOT is_test AND sla_deadline >= $1 AND sla_deadline < $2
            AND status <> 'cancelled' AND (on_site_at IS NULL OR on_site_at > sla_deadline)`,
        [from, to],
      );
      return rows[0]!.n;
    });
  }
}
