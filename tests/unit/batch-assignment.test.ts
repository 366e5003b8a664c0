import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultBatchWeights,
  minCostAssignment,
  planBatch,
  type BatchRequest,
} from '#shared/domain/batch-assignment.js';
import { defaultEtaSettings, etaFor, meetsSla } from '#shared/domain/eta.js';
import { haversineKm } from '#shared/domain/geo.js';

/** Every way of giving n rows distinct columns, for checking the solver against the definition of optimal. */
function bruteForceMin(cost: number[][]): number {
  const n = cost.length;
  const m = cost[0]!.length;
  let best = Infinity;
  const used = new Array<boolean>(m).fill(false);
  const go = (i: number, sum: number) => {
    if (i === n) {
      best = Math.min(best, sum);
      return;
    }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = true;
      go(i + 1, sum + cost[i]![j]!);
      used[j] = false;
    }
  };
  go(0, 0);
  return best;
}

describe('minCostAssignment', () => {
  it('finds the least total cost, with distinct columns, on any matrix up to 6 × 7', () => {
    const matrix = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 2 })).chain(([n, extra]) =>
      fc.array(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: n + extra, maxLength: n + extra }), {
        minLength: n,
        maxLength: n,
      }),
    );
    fc.assert(
      fc.property(matrix, (cost) => {
        const columns = minCostAssignment(cost);
        expect(new Set(columns).size).toBe(cost.length);
        expect(columns.every((j) => j >= 0 && j < cost[0]!.length)).toBe(true);
        const total = columns.reduce((sum, j, i) => sum + cost[i]![j]!, 0);
        expect(total).toBe(bruteForceMin(cost));
      }),
      { numRuns: 300 },
    );
  });

  it('beats taking each row’s cheapest free column in turn', () => {
    // Row 0 greedily takes column 0 (1), leaving row 1 column 1 (100): 101. Optimal is 2 + 3 = 5.
    expect(
      minCostAssignment([
        [1, 2],
        [3, 100],
      ]),
    ).toEqual([1, 0]);
  });

  it('refuses more rows than columns', () => {
    expect(() => minCostAssignment([[1], [2]])).toThrow(/2 rows/);
  });
});

describe('planBatch', () => {
  const now = new Date('2026-01-14T15:00:00Z');
  const leeds = { lat: 53.8008, lon: -1.5491 };
  const kmNorth = (from: { lat: number; lon: number }, km: number) => ({ lat: from.lat + km / 111.2, lon: from.lon });
  const request = (id: string, over: Partial<BatchRequest> = {}): BatchRequest => ({
    id,
    location: leeds,
    onMotorway: false,
    priority: 3,
    createdAt: now,
    slaDeadline: new Date(now.getTime() + 90 * 60_000),
    declinedBy: [],
    ...over,
  });
  const settings = { eta: defaultEtaSettings, maxRadiusKm: 150 };

  it('gives one technician to the priority-1 request rather than the priority-4 one beside it', () => {
    const plan = planBatch(
      [request('p4', { priority: 4 }), request('p1', { priority: 1 })],
      [{ id: 't1', location: kmNorth(leeds, 3) }],
      now,
      settings,
    );
    expect(plan.map((p) => [p.requestId, p.technicianId])).toEqual([['p1', 't1']]);
  });

  it('serves the request that can still make its deadline before one that cannot', () => {
    const late = request('late', { priority: 1, slaDeadline: new Date(now.getTime() + 5 * 60_000) });
    const plan = planBatch([late, request('onTime', { priority: 4 })], [{ id: 't1', location: leeds }], now, settings);
    expect(plan.map((p) => p.requestId)).toEqual(['onTime']);
  });

  it('still serves a request that cannot make it when a technician is left over: never starved', () => {
    const late = request('late', { slaDeadline: new Date(now.getTime() - 30 * 60_000) });
    const plan = planBatch([late], [{ id: 't1', location: kmNorth(leeds, 40) }], now, settings);
    expect(plan).toMatchObject([{ requestId: 'late', technicianId: 't1', meetsSla: false }]);
  });

  it('serves the most urgent of the requests that cannot make it first: priority, then waiting', () => {
    const late = (id: string, priority: number, waited: number) =>
      request(id, {
        priority,
        createdAt: new Date(now.getTime() - waited * 60_000),
        slaDeadline: new Date(now.getTime() - (waited - 90) * 60_000),
      });
    const one = [{ id: 't1', location: leeds }];
    expect(planBatch([late('p4', 4, 110), late('p2', 2, 100)], one, now, settings)[0]?.requestId).toBe('p2');
    expect(planBatch([late('newer', 3, 100), late('older', 3, 150)], one, now, settings)[0]?.requestId).toBe('older');
  });

  it('leaves a request that cannot make it unplanned under greedy’s rule (serveLate false)', () => {
    const late = request('late', { slaDeadline: new Date(now.getTime() - 30 * 60_000) });
    const plan = planBatch([late], [{ id: 't1', location: leeds }], now, settings, {
      ...defaultBatchWeights,
      serveLate: false,
    });
    expect(plan).toEqual([]);
  });

  it('swaps two technicians when nearest-first would make one request miss', () => {
    // a is 2 km from t1 and 5 km from t2 (16 or 23 min); b has 80 minutes left and is 43 km from t1 (66 min) but 50 km
    // from t2 (75 min, inside the deadline but not its 10 minutes of slack). Nearest-first gives a t1, leaving b the
    // drive that arrives on the edge; the plan gives b t1 and a t2, and both make it with time to spare.
    const a = request('a');
    const b = request('b', { location: kmNorth(leeds, 45), slaDeadline: new Date(now.getTime() + 80 * 60_000) });
    const t1 = { id: 't1', location: kmNorth(leeds, 2) };
    const t2 = { id: 't2', location: kmNorth(leeds, -5) };
    const plan = planBatch([a, b], [t1, t2], now, settings);
    expect(plan.map((p) => [p.requestId, p.technicianId, p.meetsSla])).toEqual([
      ['a', 't2', true],
      ['b', 't1', true],
    ]);
  });

  it('never plans a technician who declined the job, nor one beyond the radius', () => {
    const declined = request('r', { declinedBy: ['near'] });
    const plan = planBatch(
      [declined],
      [
        { id: 'near', location: leeds },
        { id: 'far', location: kmNorth(leeds, 200) },
      ],
      now,
      settings,
    );
    expect(plan).toEqual([]);
  });

  it('plans each technician at most once and each request at most once, whatever the window', () => {
    const point = fc.record({
      lat: fc.double({ min: 53.5, max: 54.1, noNaN: true }),
      lon: fc.double({ min: -2, max: -1, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(point, fc.integer({ min: 1, max: 5 }), fc.integer({ min: -120, max: 90 })), {
          maxLength: 12,
        }),
        fc.array(point, { maxLength: 8 }),
        (rs, ts) => {
          const requests = rs.map(([location, priority, minutesLeft], i) =>
            request(`r${i}`, { location, priority, slaDeadline: new Date(now.getTime() + minutesLeft * 60_000) }),
          );
          const technicians = ts.map((location, i) => ({ id: `t${i}`, location }));
          const plan = planBatch(requests, technicians, now, settings);
          expect(new Set(plan.map((p) => p.technicianId)).size).toBe(plan.length);
          expect(new Set(plan.map((p) => p.requestId)).size).toBe(plan.length);
          // Optimal means no on-time pair is left unused: a free technician who could reach a waiting request in time
          // would lower the cost by taking it.
          const planned = new Set(plan.flatMap((p) => [p.requestId, p.technicianId]));
          for (const r of requests.filter((r) => !planned.has(r.id)))
            for (const t of technicians.filter((t) => !planned.has(t.id))) {
              const minutes = etaFor(haversineKm(r.location, t.location), r.onMotorway, defaultEtaSettings);
              const spare = defaultBatchWeights.slackMinutes;
              expect(meetsSla(now, minutes + spare, r.slaDeadline), `${r.id} and ${t.id} left apart`).toBe(false);
            }
        },
      ),
      { numRuns: 100 },
    );
  });
});
