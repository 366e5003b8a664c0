// Proof of arrival in tests: the van's fix at the breakdown, and the code the customer's tracking page shows.
import type { TestStack } from './stack.js';

/** Records a fix for the technician exactly at the job's breakdown, so "arrived" is accepted. */
export async function vanAtBreakdown(
  stack: Pick<TestStack, 'deps'>,
  jobId: string,
  technicianId: string,
  recordedAt: Date = stack.deps.clock.now(),
): Promise<void> {
  const job = await stack.deps.requests.findById(jobId);
  if (!job) throw new Error(`no job ${jobId}`);
  const outcome = await stack.deps.technicians.recordLocation(technicianId, { location: job.location, recordedAt });
  if (outcome !== 'updated')
    throw new Error(`the fix at the breakdown of ${jobId} was not newer than ${technicianId}'s last one`);
}

/** The arrival code, as the customer reads it out (tests read it from the row; the technician's routes never show it). */
export async function arrivalCodeOf(stack: Pick<TestStack, 'sql'>, jobId: string): Promise<string> {
  const { rows } = await stack.sql.query<{ code: string }>(
    'SELECT arrival_code AS code FROM emergency_requests WHERE id = $1',
    [jobId],
  );
  return rows[0]!.code;
}
