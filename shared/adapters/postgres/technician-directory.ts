// PostgreSQL technician directory.
import type pg from 'pg';
import type { TechnicianDirectory, TechnicianProfile } from '#shared/ports/technician-directory.js';
import { guarded } from './pool.js';

export class PostgresTechnicianDirectory implements TechnicianDirectory {
  constructor(private readonly pool: pg.Pool) {}

  findTechnician(id: string): Promise<TechnicianProfile | undefined> {
    return guarded('reading a technician', async () => {
      const { rows } = await this.pool.query<TechnicianProfile>(
        'SELECT id, name, phone, van, active FROM technicians WHERE id = $1',
        [id],
      );
      return rows[0];
    });
  }
}
