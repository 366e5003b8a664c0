// Technician rows in PostgreSQL for tests that dispatch (names, vans and drama-range phones).
import type { GeoPoint } from '#shared/domain/emergency.js';
import type { TechnicianIndex } from '#shared/ports/technician-index.js';
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

/** One technician in the directory, at `location` now and available: what a dispatch test needs of the fleet. */
export async function availableTechnician(
  stack: Pick<TestStack, 'sql' | 'deps'>,
  id: string,
  location: GeoPoint,
  at = new Date(),
): Promise<void> {
  await seedTechnicianProfiles(stack, [id]);
  await stack.deps.technicians.recordLocation(id, { location, recordedAt: at });
  await stack.deps.technicians.setAvailability(id, 'available');
}

/**
 * The real index, but its searches wait until `release()`: a dispatch stuck on a slow or throttled DynamoDB, or (with
 * 'first') one request held in its search, stored but not yet answered, while others go through. `reached` resolves
 * when a search first waits.
 */
export function stalledSearches<T extends TechnicianIndex>(real: T, which: 'every' | 'first' = 'every') {
  let release!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (entered = resolve));
  let searches = 0;
  const technicians: T = Object.assign(Object.create(Object.getPrototypeOf(real) as object) as T, real, {
    nearestDispatchable: async (...args: Parameters<TechnicianIndex['nearestDispatchable']>) => {
      if (which === 'every' || searches++ === 0) {
        entered();
        await gate;
      }
      return real.nearestDispatchable(...args);
    },
  });
  return { technicians, reached, release };
}
