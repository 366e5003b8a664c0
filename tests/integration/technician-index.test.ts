import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoTechnicianIndex } from '#shared/adapters/dynamodb/technician-index.js';
import { nearestByBruteForce, type Candidate } from '#shared/domain/geo.js';
import { testStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
const now = new Date('2026-01-14T14:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const freshSince = minutesAgo(10);

beforeAll(async () => {
  stack = await testStack();
});
afterAll(() => stack.close());

const index = () => stack.deps.technicians;
async function placeAvailable(id: string, lat: number, lon: number, at = now) {
  await index().recordLocation(id, { location: { lat, lon }, recordedAt: at });
  expect(await index().setAvailability(id, 'available')).toBe('updated');
}
const nearestIds = async (lat: number, lon: number, k = 3) =>
  (await index().nearestDispatchable({ lat, lon }, { k, maxRadiusKm: 150, freshSince })).found.map((f) => f.id);

describe('technician index on DynamoDB Local', () => {
  it('ignores a location fix older than the one it has', async () => {
    await index().recordLocation('ord-1', { location: { lat: 51.5, lon: -0.1 }, recordedAt: now });
    expect(await index().recordLocation('ord-1', { location: { lat: 52, lon: -1 }, recordedAt: minutesAgo(1) })).toBe(
      'stale',
    );
    expect((await index().position('ord-1'))?.location).toEqual({ lat: 51.5, lon: -0.1 });
  });

  it('moves an available technician in the index as they drive, and drops them when they go on a break', async () => {
    await placeAvailable('mover', 53.48, -2.24, minutesAgo(2));
    expect(await nearestIds(53.48, -2.24, 1)).toEqual(['mover']);
    await index().recordLocation('mover', { location: { lat: 53.8, lon: -1.55 }, recordedAt: now });
    expect(await nearestIds(53.8, -1.55, 1)).toEqual(['mover']);
    await index().setAvailability('mover', 'on_break');
    expect(await nearestIds(53.8, -1.55, 1)).not.toContain('mover');
  });

  it('refuses availability before any location, and leaves out technicians silent for over 10 minutes', async () => {
    expect(await index().setAvailability('never-seen', 'available')).toBe('no-location');
    await placeAvailable('silent', 55.86, -4.25, minutesAgo(11));
    expect(await nearestIds(55.86, -4.25)).not.toContain('silent');
  });

  it('lets exactly one of ten simultaneous claims on a technician win', async () => {
    await placeAvailable('contested', 52.48, -1.9);
    const wins = await Promise.all(
      Array.from({ length: 10 }, (_, i) => index().claim('contested', `job-${i}`, now, freshSince)),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    const position = await index().position('contested');
    expect(position).toMatchObject({ status: 'busy', currentJob: `job-${wins.indexOf(true)}` });
    expect(await nearestIds(52.48, -1.9)).not.toContain('contested');
    expect(await index().setAvailability('contested', 'offline')).toBe('has-job');
  });

  it('releases only for the job the technician holds, putting them back in the index', async () => {
    await placeAvailable('releasable', 51.45, -2.59);
    expect(await index().claim('releasable', 'job-a', now, freshSince)).toBe(true);
    expect(await index().release('releasable', 'job-b')).toBe(false);
    expect(await index().release('releasable', 'job-a')).toBe(true);
    expect(await nearestIds(51.45, -2.59, 1)).toEqual(['releasable']);
  });

  it('answers k-nearest exactly as brute force over 300 technicians spread around London and the prime meridian', async () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const technicians: Candidate[] = Array.from({ length: 300 }, (_, i) => ({
      id: `bf-${String(i).padStart(3, '0')}`,
      location: { lat: 50.8 + random() * 1.6, lon: -1.2 + random() * 2.2 },
    }));
    for (const t of technicians) await placeAvailable(t.id, t.location.lat, t.location.lon);
    for (let q = 0; q < 20; q++) {
      const point = { lat: 50.9 + random() * 1.4, lon: -1.1 + random() * 2 };
      const { found, report } = await index().nearestDispatchable(point, {
        k: 5,
        maxRadiusKm: 150,
        freshSince,
        exclude: new Set(['mover']),
      });
      const everyone = technicians;
      expect(found.map((f) => f.id)).toEqual(
        nearestByBruteForce(point, everyone, { k: 5, maxRadiusKm: 150 }).map((f) => f.id),
      );
      expect(report.queries).toBeGreaterThanOrEqual(1);
      expect(report.itemsRead).toBeGreaterThanOrEqual(found.length);
    }
  }, 60_000);
});

describe('the first disc a search reads', () => {
  it("fits the area's density once the container has searched there: a smaller disc, fewer items, the same answer", async () => {
    // A fresh index: its memory of areas is per instance, as it is per Lambda container.
    const fresh = new DynamoTechnicianIndex(
      DynamoDBDocumentClient.from(stack.deps.dynamo),
      stack.config.tables.locations,
    );
    const point = { lat: 52.4862, lon: -1.8904 };
    // Six vans within ~300 m of the breakdown, and 40 more between 400 m and 900 m.
    for (let i = 0; i < 6; i++) await placeAvailable(`dense-${i}`, point.lat + (i - 3) * 0.001, point.lon + 0.001);
    for (let i = 0; i < 40; i++) {
      const angle = (2 * Math.PI * i) / 40;
      const km = 0.4 + (i % 5) * 0.12;
      await placeAvailable(
        `ring-${i}`,
        point.lat + (km * Math.cos(angle)) / 111.2,
        point.lon + (km * Math.sin(angle)) / 69,
      );
    }
    // Nothing known about Birmingham yet: a 1 km disc, which holds the ring too.
    const first = await fresh.nearestDispatchable(point, { k: 5, maxRadiusKm: 92, freshSince });
    expect(first.report.itemsRead).toBeGreaterThanOrEqual(46);
    // The 5th lay ~0.3 km away: the next search reads a disc of about 0.4 km.
    const second = await fresh.nearestDispatchable(point, { k: 5, maxRadiusKm: 92, freshSince });
    expect(second.report.levels).toBe(1);
    expect(second.report.itemsRead).toBeLessThan(first.report.itemsRead);
    expect(second.found).toEqual(first.found);
  });
});

describe('listing dispatchable technicians', () => {
  it('lists exactly the available, job-free technicians with a fresh fix', async () => {
    const own = await testStack();
    try {
      const t = own.deps.technicians;
      const place = async (id: string, at: Date) => {
        await t.recordLocation(id, { location: { lat: 52.2, lon: 0.12 }, recordedAt: at });
        await t.setAvailability(id, 'available');
      };
      await place('free', now);
      await place('claimed', now);
      await place('stale', minutesAgo(11));
      await place('resting', now);
      await t.claim('claimed', 'job-1', now, freshSince);
      await t.setAvailability('resting', 'on_break');
      await t.recordLocation('offline-one', { location: { lat: 52.2, lon: 0.12 }, recordedAt: now });
      expect(await t.listDispatchable(freshSince)).toEqual([
        { technicianId: 'free', location: { lat: 52.2, lon: 0.12 }, recordedAt: now },
      ]);
    } finally {
      await own.close();
    }
  });
});

describe('dropping silent technicians from the index', () => {
  it('takes out only available technicians silent for too long, who return with their next fix', async () => {
    const own = await testStack();
    try {
      const t = own.deps.technicians;
      for (const [id, at] of [
        ['quiet', minutesAgo(11)],
        ['chatty', minutesAgo(1)],
      ] as const) {
        await t.recordLocation(id, { location: { lat: 50.37, lon: -4.14 }, recordedAt: at });
        await t.setAvailability(id, 'available');
      }
      expect(await t.dropSilent(freshSince)).toEqual(['quiet']);
      const scanned = await own.deps.dynamo.send(
        new ScanCommand({ TableName: own.config.tables.locations, IndexName: 'dispatchable' }),
      );
      expect(scanned.Items?.map((i) => i.technicianId?.S)).toEqual(['chatty']);
      expect(await t.position('quiet')).toMatchObject({ status: 'available' });

      await t.recordLocation('quiet', { location: { lat: 50.37, lon: -4.14 }, recordedAt: now });
      expect(
        (await t.nearestDispatchable({ lat: 50.37, lon: -4.14 }, { k: 2, maxRadiusKm: 150, freshSince })).found.map(
          (f) => f.id,
        ),
      ).toEqual(['chatty', 'quiet']);
    } finally {
      await own.close();
    }
  });
});
