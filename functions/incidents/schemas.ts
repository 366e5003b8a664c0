// Request shapes of the incident routes (operations role).
import * as z from 'zod';
import { freeText } from '#shared/schemas/free-text.js';
import { SurgeRecord } from '#shared/schemas/operations.js';

const severity = z.enum(['P1', 'P2', 'P3', 'P4'], { error: 'severity must be P1, P2, P3 or P4' });

export const IncidentIdPath = z.object({
  id: z.string().regex(/^INC-\d{8}-\d{6}$/, 'an incident id looks like INC-20261206-031500'),
});

export const incidentActions = [
  'acknowledge',
  'update',
  'mitigate',
  'resolve',
  'diagnose',
  'validate',
  'notify-customers',
  'cancel-customer-notice',
] as const;

export const IncidentActionPath = IncidentIdPath.extend({
  action: z.enum(incidentActions, { error: `the action must be one of: ${incidentActions.join(', ')}` }),
});

export const OpenIncidentBody = z
  .object(
    {
      title: freeText(200, 'title').min(3, 'title must say what is wrong, in at least 3 characters'),
      severity,
      areas: z.array(freeText(60, 'area')).max(20).optional(),
      customersAffected: z.number().int().min(0).optional(),
    },
    { error: 'the body must be a JSON object with title and severity' },
  )
  .strict()
  .meta({ id: 'OpenIncident', description: 'An incident opened by hand' });

export const IncidentStepBody = z
  .object(
    {
      note: freeText(2000, 'note').optional(),
      severity: severity.optional(),
      reason: freeText(500, 'reason').optional(),
      commander: freeText(100, 'commander').optional(),
    },
    { error: 'the body must be a JSON object (note, severity and reason, commander: all optional)' },
  )
  .strict()
  .meta({
    id: 'IncidentStep',
    description: 'A note, a severity change with its reason, or the commander, with a step',
  });

/** What the routes answer: the incident record (shared/domain/incident.ts), documented by its main members. */
export const IncidentRecord = z
  .object({
    id: z.string().meta({ description: 'INC-YYYYMMDD-HHMMSS (UTC)' }),
    title: z.string(),
    cause: z.string(),
    severity: severity,
    status: z.enum(['open', 'acknowledged', 'mitigated', 'resolved']),
    commander: z.string().optional(),
    openedAt: z.string(),
    acknowledgedAt: z.string().optional(),
    mitigatedAt: z.string().optional(),
    resolvedAt: z.string().optional(),
    paging: z.object({ level: z.number(), lastPagedAt: z.string().optional(), pages: z.number() }),
    timeline: z.array(z.object({ at: z.string(), by: z.string(), kind: z.string(), text: z.string() }).loose()),
  })
  .loose()
  .meta({ id: 'Incident', description: 'An incident record with its timeline' });

export const StartSurgeBody = z
  .object(
    {
      hours: z
        .number({ error: 'hours must be a whole number from 1 to 12' })
        .int('hours must be a whole number from 1 to 12')
        .min(1, 'hours must be a whole number from 1 to 12')
        .max(12, 'hours must be a whole number from 1 to 12: a longer override is a fleet configuration change'),
      reason: freeText(500, 'reason').min(3, 'reason must say why, in at least 3 characters'),
      level: z.enum(['elevated', 'severe'], { error: 'level must be elevated or severe' }).optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}: send hours, reason and (optionally) level`
          : 'the body must be a JSON object with hours and reason',
    },
  )
  .strict()
  .meta({
    id: 'StartSurge',
    description: "Surge mode: capacity at least this weather level's (default severe) for this many hours",
  });

export const EndSurgeBody = z
  .object(
    { reason: freeText(500, 'reason').min(3, 'reason must say why, in at least 3 characters') },
    {
      error: 'the body must be a JSON object with a reason',
    },
  )
  .strict()
  .meta({ id: 'EndSurge', description: 'Why surge mode ends before its time' });

export const SurgeAnswer = z
  .object({
    surge: SurgeRecord.meta({
      description: 'The surge: its level, reason, who, when it started and ends (and when it ended, if early)',
    }),
    capacity: z
      .string()
      .meta({ description: 'Weather scaling asked to apply it now, or left to its next run (and why)' }),
    recordedOn: z.array(z.string()).meta({ description: 'The open incidents whose timeline records it' }),
  })
  .meta({ id: 'SurgeAnswer' });
