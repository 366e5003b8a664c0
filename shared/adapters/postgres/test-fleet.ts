// Puts a test technician in the directory (flagged is_test; the id must carry the test- prefix, as a CHECK enforces).
import type pg from 'pg';
import { isTestTechnician } from '#shared/domain/test-fleet.js';
import { guarded } from './pool.js';

export class PostgresTestFleet {
  constructor(private readonly pool: pg.Pool) {}

  enlist(t: {
    id: string;
    name: string;
    phone: string;
    homeBase: string;
    lat: number;
    lon: number;
    van: string;
  }): Promise<void> {
    if (!isTestTechnician(t.id)) throw new Error(`${t.id} is not a test technician id`);
    return guarded('enlisting a test technician', async () => {
      await this.pool.query(
        `INSERT INTO technicians (id, name, phone, home_base, home_latitude, home_longitude, van, is_test) VALUES ($1, $2, $3, $4, $5, $6, $7, true)
         ON CONFLICT (id) DO UPDATE SET active = true`,
        [t.id, t.name, t.phone, t.homeBase, t.lat, t.lon, t.van],
      );
    });
  }
}
