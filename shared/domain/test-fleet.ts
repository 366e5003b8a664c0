// The test fleet: technicians who exist only for synthetic (is_test) requests, such as DR drills, kept apart from the real fleet.

/**
 * A test technician's id starts with this. Real technicians' ids are Cognito subs (UUIDs) and the demo fleet's are
 * `tech-…`, so no real technician can carry it; the directory enforces the same rule with a CHECK constraint.
 */
export const testTechnicianIdPrefix = 'test-';

/** Test technicians sit in their own partitions of the dispatchable index, so a real search can never read them. */
export const testFleetPartitionPrefix = 'T#';

export type Fleet = 'real' | 'test';

export function isTestTechnician(technicianId: string): boolean {
  return technicianId.startsWith(testTechnicianIdPrefix);
}

export function fleetOfTechnician(technicianId: string): Fleet {
  return isTestTechnician(technicianId) ? 'test' : 'real';
}

/** A synthetic request goes to the test fleet and a real one to the real fleet: never the other way round. */
export function fleetForRequest(request: { isTest: boolean }): Fleet {
  return request.isTest ? 'test' : 'real';
}

/** The index partition a geohash cell is stored under for this fleet. */
export function fleetPartition(cell: string, fleet: Fleet): string {
  return fleet === 'test' ? `${testFleetPartitionPrefix}${cell}` : cell;
}
