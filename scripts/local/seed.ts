// Seeds the demo technicians into PostgreSQL; safe to run again.
import pg from 'pg';
import { demoTechnicians } from '#shared/adapters/location/demo-technicians.js';

export async function seedTechnicians(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let inserted = 0;
    for (const t of demoTechnicians) {
      const { rowCount } = await client.query(
        `INSERT INTO technicians (id, name, phone, home_base, home_latitude, home_longitude, van, skills, van_stock)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
        [t.id, t.name, t.phone, t.homeBase, t.home.lat, t.home.lon, t.van, t.skills, JSON.stringify(t.vanStock)],
      );
      inserted += rowCount ?? 0;
    }
    return inserted;
  } finally {
    await client.end();
  }
}
