// Request shapes of the technician (van app) routes.
import * as z from 'zod';

export const TechnicianIdPath = z.object({
  id: z.string({ error: 'the technician id is required' }).regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'the technician id may contain only lower-case letters, digits and dashes'),
});

export const JobIdPath = z.object({ id: z.uuid({ error: 'the job id must be a UUID' }) });

export const LocationBody = z
  .object({
    lat: z.number({ error: 'lat must be a number' }).min(-90, 'lat must be between -90 and 90').max(90, 'lat must be between -90 and 90'),
    lon: z.number({ error: 'lon must be a number' }).min(-180, 'lon must be between -180 and 180').max(180, 'lon must be between -180 and 180'),
    accuracyMeters: z.number({ error: 'accuracyMeters must be a number' }).min(0).max(100_000).optional(),
    heading: z.number({ error: 'heading must be a number' }).min(0, 'heading must be 0–360').max(360, 'heading must be 0–360').optional(),
    recordedAt: z.iso.datetime({ offset: true, error: 'recordedAt must be an ISO-8601 time, e.g. 2026-01-14T14:00:00Z' }),
  })
  .meta({ id: 'TechnicianLocation' });

export const StatusBody = z
  .object({ status: z.enum(['available', 'on_break', 'offline'], { error: 'status must be one of: available, on_break, offline' }) })
  .meta({ id: 'TechnicianStatus' });

export const JobView = z.object({ id: z.uuid(), reference: z.string(), status: z.string() }).meta({ id: 'Job' });

export const LocationRecorded = z
  .object({
    applied: z.boolean().meta({ description: 'false when a newer fix is already recorded (the app may deliver queued fixes late)' }),
    reason: z.string().optional().meta({ description: 'Why the fix was not applied' }),
  })
  .meta({ id: 'LocationRecorded' });

export const TechnicianStatusRecorded = z
  .object({ id: z.string(), status: z.enum(['available', 'on_break', 'offline']) })
  .meta({ id: 'TechnicianStatusRecorded' });
