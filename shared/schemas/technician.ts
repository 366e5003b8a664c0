// Request shapes of the technician (van app) routes.
import * as z from 'zod';

export const TechnicianIdPath = z.object({
  id: z
    .string({ error: 'the technician id is required' })
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'the technician id may contain only lower-case letters, digits and dashes'),
});

export const JobIdPath = z.object({ id: z.uuid({ error: 'the job id must be a UUID' }) });

export const LocationBody = z
  .object({
    lat: z
      .number({ error: 'lat must be a number' })
      .min(-90, 'lat must be between -90 and 90')
      .max(90, 'lat must be between -90 and 90'),
    lon: z
      .number({ error: 'lon must be a number' })
      .min(-180, 'lon must be between -180 and 180')
      .max(180, 'lon must be between -180 and 180'),
    accuracyMeters: z.number({ error: 'accuracyMeters must be a number' }).min(0).max(100_000).optional(),
    heading: z
      .number({ error: 'heading must be a number' })
      .min(0, 'heading must be 0–360')
      .max(360, 'heading must be 0–360')
      .optional(),
    recordedAt: z.iso.datetime({
      offset: true,
      error: 'recordedAt must be an ISO-8601 time, e.g. 2026-01-14T14:00:00Z',
    }),
  })
  .meta({ id: 'TechnicianLocation' });

export const StatusBody = z
  .object({
    status: z.enum(['available', 'on_break', 'offline'], {
      error: 'status must be one of: available, on_break, offline',
    }),
  })
  .meta({ id: 'TechnicianStatus' });

export const CompleteJobBody = z
  .object(
    {
      arrivalCode: z
        .string({ error: 'arrivalCode is required: ask the customer for the 4-digit code on their tracking page' })
        .regex(/^[0-9]{4}$/, 'arrivalCode must be the 4 digits the customer reads out'),
    },
    { error: 'the body must be a JSON object with arrivalCode' },
  )
  .strict()
  .meta({
    id: 'CompleteJob',
    description: "The customer's arrival code, read out to the technician from their tracking page",
  });

export const OverrideCompletionBody = z
  .object(
    {
      reason: z
        .string({ error: "reason is required: say why the job is closed without the customer's code" })
        .trim()
        .min(10, 'reason must say why, in at least 10 characters')
        .max(500, 'reason must be at most 500 characters'),
    },
    { error: 'the body must be a JSON object with reason' },
  )
  .strict()
  .meta({
    id: 'OverrideCompletion',
    description: "Why operations close the job without the customer's code; kept in the audit trail with who did it",
  });

export const JobView = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    status: z.string(),
    completedBy: z
      .enum(['code', 'override'])
      .optional()
      .meta({ description: "How a completed job was closed: the customer's code, or an operations override" }),
  })
  .meta({ id: 'Job' });

export const LocationRecorded = z
  .object({
    applied: z
      .boolean()
      .meta({ description: 'false when a newer fix is already recorded (the app may deliver queued fixes late)' }),
    reason: z.string().optional().meta({ description: 'Why the fix was not applied' }),
  })
  .meta({ id: 'LocationRecorded' });

export const TechnicianStatusRecorded = z
  .object({ id: z.string(), status: z.enum(['available', 'on_break', 'offline']) })
  .meta({ id: 'TechnicianStatusRecorded' });
