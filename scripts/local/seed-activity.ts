// Demo activity for the local stack, so collectMetrics and GET /ops/metrics have figures to show:
//   DATABASE_URL=… DYNAMODB_ENDPOINT=… npx tsx scripts/local/seed-activity.ts   (the values npm start prints)
// Adds, relative to now: six requests reached earlier today (one late; every arrival verified, as the van app's position
// proves it), four of them completed and rated (4.5 on average, on the SATISFACTION_TARGET), one cancelled after its
// deadline, four open requests (one overdue), and the first twelve demo technicians available at their home bases. Safe to run again:
// every run adds another batch.
import { createHash, randomUUID } from 'node:crypto';
import { demoTechnicians } from '#shared/adapters/location/demo-technicians.js';
import { randomIds } from '#shared/adapters/system.js';
import { loadConfig } from '../config.js';
import { closeAllDeps, allDeps } from './all-deps.js';

const deps = allDeps(loadConfig({ ...process.env, STAGE: 'local' }));
const now = Date.now();
const ago = (minutes: number) => new Date(now - minutes * 60_000);
let phone = Math.floor(Math.random() * 900);

async function request(
  status: string,
  createdMinutesAgo: number,
  times: { onSite?: number; completed?: number; cancelled?: number; priority?: number; rating?: number } = {},
) {
  const onSite = times.onSite === undefined ? null : ago(times.onSite);
  const completed = times.completed === undefined ? null : ago(times.completed);
  await deps.pool.query(
    `INSERT INTO emergency_requests (id, reference, customer_name, phone, latitude, longitude, geohash, vehicle_make_model, issue,
       priority, status, created_at, sla_deadline, on_site_at, arrival_verified_at, arrival_distance_m, completed_at, completed_by_method,
       cancelled_at, rating, rated_at, tracking_token_hash)
     VALUES ($1, $2, 'Demo Customer', $3, 52.4862, -1.8904, 'gcqdx', 'Vauxhall Corsa', 'puncture', $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      randomUUID(),
      randomIds.reference(),
      `+447700900${String(phone++ % 1000).padStart(3, '0')}`,
      times.priority ?? 3,
      status,
      ago(createdMinutesAgo),
      ago(createdMinutesAgo - 90),
      onSite,
      onSite ? 40 : null,
      completed,
      completed ? 'code' : null,
      times.cancelled === undefined ? null : ago(times.cancelled),
      times.rating ?? null,
      times.rating === undefined ? null : completed,
      createHash('sha256').update(randomUUID()).digest('hex'),
    ],
  );
}

// Kept inside the current UK day as long as it is past 04:00; earlier than that, some land yesterday (which is the point of "today").
await request('completed', 200, { onSite: 150, completed: 120, rating: 5 });
await request('completed', 170, { onSite: 120, completed: 100, rating: 5 });
await request('completed', 150, { onSite: 40, completed: 20, rating: 3 }); // 110 minutes: late
await request('completed', 100, { onSite: 50, completed: 30, rating: 5 });
await request('on_site', 70, { onSite: 25 });
await request('on_site', 60, { onSite: 10 });
await request('cancelled', 130, { cancelled: 30 }); // cancelled after its deadline: a breach
await request('pending', 100, { priority: 1 }); // overdue
await request('pending', 12, { priority: 2 });
await request('assigned', 8);
await request('en_route', 30);
for (const t of demoTechnicians.slice(0, 12)) {
  await deps.technicians.recordLocation(t.id, { location: t.home, recordedAt: new Date(now) });
  await deps.technicians.setAvailability(t.id, 'available');
}
console.log('seeded demo activity: 11 requests, 12 available technicians');
await closeAllDeps(deps);
