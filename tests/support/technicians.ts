// Technician rows in PostgreSQL for tests that dispatch (names, vans and drama-range phones).
import type { TestStack } from './stack.js';

export async function seedTechnicianProfiles(stack: Pick<TestStack, 'sql'>, ids: readonly string[]): Promise<void> {
  for (const [i, id] of ids.entries()) {
    await stack.sql.query(
      // Ids starting test- are the test fleet (shared/domain/test-fleet.ts), flagged as such in the directory.
      `INSERT INTO technicians (id, name, phone, home_base, home_latitude, home_longitude, van, is_test) VALUES ($1, $2, $3, 'Test base', 51.5, -0.12, 'Ford Transit Custom (TH24 TST)', starts_with($1, 'test-')) ON CONFLICT (id) DO NOTHING`,
      [id, `Tech${i} Tester`, `+447700900${String(900 + (i % 100)).padStart(3, '0')}`],
    );
  }
}
