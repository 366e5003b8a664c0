// RFC 9457 problem details: the base shape every error shares, and the extension members particular answers add.
import * as z from 'zod';
import { requestStatuses } from '#shared/domain/emergency.js';

const problemMembers = {
  type: z.string().meta({
    description: 'A URI naming the kind of problem',
    examples: ['https://tyrehero.example/problems/validation'],
  }),
  title: z.string().meta({ description: 'Short summary of the kind of problem' }),
  status: z.number().int().min(100).max(599).meta({ description: 'The HTTP status code, repeated' }),
  detail: z.string().meta({ description: 'What went wrong with this request, in words a person can act on' }),
  instance: z.string().optional().meta({ description: 'The request id, for support' }),
};

export const Problem = z
  .object(problemMembers)
  .meta({ id: 'Problem', description: 'RFC 9457 problem details, with no extension members' });

export const FieldProblem = z
  .object({
    field: z.string().meta({ description: 'Dotted path of the offending field; "" for the whole body' }),
    message: z.string(),
  })
  .meta({ id: 'FieldProblem' });

export const ValidationProblem = z
  .object({
    ...problemMembers,
    errors: z.array(FieldProblem).optional().meta({
      description:
        'One entry per invalid field; absent when the request as a whole is refused (a reused Idempotency-Key)',
    }),
  })
  .meta({ id: 'ValidationProblem', description: 'Problem, plus the fields that were invalid' });

export const StatusConflictProblem = z
  .object({
    ...problemMembers,
    currentStatus: z.enum(requestStatuses).meta({ description: 'The status that made the step impossible' }),
  })
  .meta({ id: 'StatusConflictProblem', description: 'Problem, plus the current status of the request or job' });

export const IncidentConflictProblem = z
  .object({
    ...problemMembers,
    currentStatus: z
      .enum(['open', 'acknowledged', 'mitigated', 'resolved'])
      .optional()
      .meta({ description: 'The incident status that made the step impossible (absent when it kept changing)' }),
  })
  .meta({ id: 'IncidentConflictProblem', description: 'Problem, plus the current status of the incident' });

export const ReassignConflictProblem = z
  .object({
    ...problemMembers,
    currentStatus: z.enum(requestStatuses).meta({ description: 'The status of the request' }),
    reason: z.enum(['technician-unavailable', 'no-position']).meta({
      description:
        'technician-unavailable: the chosen technician is busy, on a break, offline or silent; no-position: they never sent a position',
    }),
  })
  .meta({
    id: 'ReassignConflictProblem',
    description: 'Problem: the technician operations chose cannot take the request',
  });

export const ArrivalConflictProblem = z
  .object({
    ...problemMembers,
    currentStatus: z.enum(requestStatuses).meta({ description: 'The status of the job' }),
    reason: z.enum(['too-far', 'no-fresh-position', 'code-locked']).meta({
      description:
        'too-far: the van is outside the arrival radius; no-fresh-position: no recent fix from the van; code-locked: too many wrong arrival codes',
    }),
    distanceMeters: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: "How far the van's latest fresh position is from the breakdown (too-far)" }),
    radiusMeters: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: 'How close the van must be (ARRIVAL_RADIUS_METERS)' }),
    lastPositionAt: z.iso
      .datetime()
      .optional()
      .meta({ description: 'When the van last sent a position, if it ever did (no-fresh-position)' }),
  })
  .meta({
    id: 'ArrivalConflictProblem',
    description: 'Problem, plus why the arrival or completion could not be accepted',
  });

export const DuplicateEmergencyProblem = z
  .object({
    ...problemMembers,
    existingReference: z
      .string()
      .meta({ description: 'Reference of the open request this phone number already has', examples: ['TH-7K3Q9P'] }),
    existingStatus: z.enum(requestStatuses).meta({ description: 'Its status' }),
  })
  .meta({
    id: 'DuplicateEmergencyProblem',
    description: 'Problem, plus the open request the phone number already has',
  });

export const RateLimitedProblem = z
  .object({
    ...problemMembers,
    retryAfterSeconds: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Seconds until the next request is accepted (also in Retry-After)' }),
  })
  .meta({ id: 'RateLimitedProblem', description: 'Problem, plus when to try again' });

export const OpenRequestsProblem = z
  .object({
    ...problemMembers,
    openReferences: z.array(z.string()).meta({ description: 'References of the requests still open' }),
  })
  .meta({ id: 'OpenRequestsProblem', description: 'Problem, plus the requests that are still open' });
