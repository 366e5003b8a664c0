// Request and response shapes of the dispatcher's actions on a request (reassign, cancel) from the live view.
import * as z from 'zod';
import { freeText } from '#shared/schemas/free-text.js';
import { TechnicianIdPath } from '#shared/schemas/technician.js';

/** Why: 3–500 characters of plain text, kept in the audit trail with who acted. */
const reason = freeText(500, 'reason').min(3, 'reason must say why, in at least 3 characters');

export const ReassignRequestBody = z
  .object(
    {
      reason,
      technicianId: TechnicianIdPath.shape.id.optional().meta({
        description: 'An available technician to give it to; without it, dispatch offers it to the nearest other one',
      }),
    },
    { error: 'the body must be a JSON object with reason (and optionally technicianId)' },
  )
  .strict()
  .meta({
    id: 'ReassignRequest',
    description: 'Why operations take the request off its technician; kept in the audit trail with who did it',
  });

export const CancelRequestBody = z
  .object({ reason }, { error: 'the body must be a JSON object with reason' })
  .strict()
  .meta({
    id: 'CancelRequestByOperations',
    description: 'Why operations cancel the request; kept in the audit trail with who did it',
  });

export const OperationsActionResult = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    status: z.enum(['pending', 'assigned', 'cancelled']).meta({
      description:
        'assigned: a technician has it; pending: nobody could take it yet (redispatch keeps trying every minute); cancelled',
    }),
    technicianId: z.string().optional().meta({ description: 'Who has it now' }),
    eta: z.iso.datetime().optional().meta({ description: 'When they should arrive' }),
    slaAtRisk: z
      .boolean()
      .meta({ description: 'Nobody found can arrive before the deadline (or the chosen technician cannot)' }),
    previousTechnicianId: z.string().optional().meta({ description: 'Who had it before, now free for other work' }),
  })
  .meta({ id: 'OperationsActionResult' });
