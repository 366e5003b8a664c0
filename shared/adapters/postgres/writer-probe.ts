// Does this region's database take writes yet? After a promotion the proxy reaches the new writer a little later.
import type pg from 'pg';

export class PostgresWriterProbe {
  constructor(private readonly pool: pg.Pool) {}

  async acceptsWrites(): Promise<boolean> {
    const { rows } = await this.pool.query<{ in_recovery: boolean }>('SELECT pg_is_in_recovery() AS in_recovery');
    return rows[0]?.in_recovery === false;
  }
}
