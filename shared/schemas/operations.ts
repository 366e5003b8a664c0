// Response shapes of the operations and health routes, documented in the OpenAPI document and checked by the contract tests.
import * as z from 'zod';
import { requestStatuses } from '#shared/domain/emergency.js';

const point = z.object({ lat: z.number(), lon: z.number() });

export const SeverityAssessment = z
  .object({
    severity: z
      .enum(['P1', 'P2', 'P3', 'P4'])
      .meta({ description: 'The incident playbook level: P1 drop everything, P4 no customer impact' }),
    reasons: z.array(z.string()).meta({ description: 'Every rule that fired at that level, most serious first' }),
  })
  .meta({ id: 'SeverityAssessment' });

const checkStatus = z.enum(['ok', 'degraded', 'failed']);

export const HealthReport = z
  .object({
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    checks: z.object({
      postgres: z.object({ status: checkStatus, detail: z.string().optional() }),
      dynamodb: z.object({ status: checkStatus, detail: z.string().optional() }),
      backlog: z.object({
        status: checkStatus,
        pending: z.number().int().optional(),
        threshold: z.number().int(),
        detail: z.string().optional(),
      }),
    }),
    dependencies: z
      .array(
        z.object({
          name: z.string().meta({
            description:
              'postgresql:writer, dynamodb:<table>, kms:phone-data-key, kms:phone-hash-key, secrets-manager:database, sns:ops-alerts',
          }),
          verdict: z.enum(['reachable', 'unreachable', 'not-used']),
          latencyMs: z
            .number()
            .int()
            .optional()
            .meta({ description: 'How long the check took (reachable or unreachable)' }),
          error: z.string().optional().meta({
            description: 'Unreachable: the kind of failure (timed out, ECONNREFUSED, AccessDeniedException, …)',
          }),
          detail: z.string().optional().meta({ description: 'Not used: why this stage has no such dependency' }),
        }),
      )
      .meta({ description: 'Every service the deployed functions need, each checked with its cheapest read' }),
    severity: SeverityAssessment,
  })
  .meta({ id: 'HealthReport' });

export const IntakeHealth = z
  .object({
    status: z.enum(['ok', 'buffering', 'down', 'standby']).meta({
      description:
        'ok: emergencies are stored; buffering: they are held in the intake buffer until the database is back; down: neither can take them; standby: another region serves (the active-region record), so Route 53 sends traffic there',
    }),
    activeRegion: z.string().optional().meta({ description: 'standby only: the region that serves now' }),
  })
  .meta({ id: 'IntakeHealth' });

const openStatusCounts = z.object({
  pending: z.number().int(),
  assigned: z.number().int(),
  en_route: z.number().int(),
  on_site: z.number().int(),
});

export const OperationsQueue = z
  .object({
    generatedAt: z.iso.datetime(),
    counts: openStatusCounts.meta({ description: 'Open requests by status' }),
    highPriorityPending: z.number().int(),
    oldestPendingMinutes: z.number().nullable().meta({ description: 'null when nothing is pending' }),
    slaAtRisk: z.array(
      z.object({
        id: z.uuid(),
        reference: z.string(),
        status: z.enum(requestStatuses),
        priority: z.number().int(),
        createdAt: z.iso.datetime(),
        slaDeadline: z.iso.datetime(),
        minutesToDeadline: z.number().int(),
        technicianId: z.string().optional(),
        eta: z.iso.datetime().optional(),
      }),
    ),
    availableTechnicians: z.object({
      count: z.number().int(),
      technicians: z.array(z.object({ id: z.string(), location: point, lastSeenMinutes: z.number() })),
    }),
  })
  .meta({ id: 'OperationsQueue' });

const windowFigures = z
  .object({ lastHour: z.number().nullable(), today: z.number().nullable() })
  .meta({ description: 'null over an empty window: nothing to average' });

/** Surge mode as it is kept (shared/domain/surge.ts): /ops/metrics shows the one in force, /ops/surge answers it. */
export const SurgeRecord = z.object({
  level: z.enum(['elevated', 'severe']),
  reason: z.string(),
  by: z.string(),
  startedAt: z.iso.datetime(),
  until: z.iso.datetime(),
  ended: z
    .object({ at: z.iso.datetime(), by: z.string(), reason: z.string() })
    .optional()
    .meta({ description: 'When it ended, by whom and why (by itself at its time, or ended early)' }),
});

const burnRates = z
  .object({ '5m': z.number(), '30m': z.number(), '1h': z.number(), '6h': z.number(), '3d': z.number() })
  .partial()
  .meta({
    description:
      'How many times faster than sustainable the budget burns over each window (1 = spent in exactly 30 days)',
  });

export const SloStatus = z
  .object({
    at: z.iso.datetime(),
    slos: z.array(
      z.object({
        name: z.enum(['availability', 'promise', 'latency']),
        title: z.string(),
        objective: z.number().meta({ description: 'The share of events that must be good over 30 days' }),
        good: z.string().meta({ description: 'What a good event is' }),
        budgetRemaining: z.number().nullable().meta({
          description:
            'Share of the 30-day error budget left (1 untouched, 0 spent, negative overspent); null with no events',
        }),
        attainment: z.number().nullable().meta({ description: 'Good events over the 30 days; null with none' }),
        burnRates,
        alert: z.enum(['page', 'warn', 'none']).meta({ description: 'The most serious burn-rate rule firing now' }),
        firing: z.array(z.string()),
      }),
    ),
    unavailable: z
      .array(z.object({ slo: z.enum(['availability', 'promise', 'latency']), reason: z.string() }))
      .meta({ description: 'SLOs with no figures this time, and why' }),
  })
  .meta({ id: 'SloStatus' });

export const OperationsMetrics = z
  .object({
    at: z.iso.datetime(),
    todayStartedAt: z.iso.datetime().meta({ description: 'Midnight UK local time (GMT or BST)' }),
    pendingRequests: z.number().int(),
    assignedRequests: z.number().int(),
    inProgressRequests: z.number().int().meta({ description: 'En route or on site' }),
    completedToday: z.number().int(),
    unverifiedCompletions: z.object({ lastHour: z.number().int(), today: z.number().int() }).meta({
      description:
        'Completed without a verified arrival (closed by an operations override): counted apart, never in the response or SLA figures',
    }),
    averageResponseMinutes: windowFigures,
    slaCompliancePercent: windowFigures,
    oldestPendingMinutes: z.number(),
    highPriorityPending: z.number().int(),
    availableTechnicians: z.number().int(),
    coveragePercent: z.number(),
    utilisationPercent: z.number().nullable().meta({
      description:
        'Technicians on a job of those on a job or free to take one (target 80 %, warns below 60 %); null with nobody on shift',
    }),
    requestsLastMinute: z
      .number()
      .int()
      .meta({ description: 'Real requests created in the last minute (the spike alarm watches it)' }),
    openPastDeadline: z.number().int(),
    customerSatisfaction: z
      .object({
        last24Hours: z
          .number()
          .min(1)
          .max(5)
          .nullable()
          .meta({ description: 'Mean rating (1–5) given in the last 24 hours; null with none' }),
        ratings: z.number().int(),
        target: z.number().meta({ description: 'SATISFACTION_TARGET' }),
      })
      .meta({ description: 'How customers rated completed jobs' }),
    heuristicEtaError: z
      .object({
        last24Hours: z.object({
          compared: z.number().int().meta({ description: 'Assignments with both a road route and the heuristic' }),
          meanAbsoluteMinutes: z.number().nullable().meta({ description: 'Mean |heuristic − road|; null with none' }),
          biasMinutes: z
            .number()
            .nullable()
            .meta({ description: 'Mean heuristic − road (positive: the heuristic promises later); null with none' }),
        }),
      })
      .meta({ description: "The straight-line ETA heuristic's error against the road route (intake's ETA in AWS)" }),
    severity: SeverityAssessment,
    weatherLevel: z.enum(['normal', 'elevated', 'severe']),
    slos: SloStatus.nullable().meta({
      description: "collectMetrics' latest SLO evaluation; null before its first run",
    }),
    incidents: z
      .array(
        z.object({
          id: z.string().meta({ description: 'INC-YYYYMMDD-HHMMSS' }),
          title: z.string(),
          severity: z.enum(['P1', 'P2', 'P3', 'P4']),
          status: z.enum(['open', 'acknowledged', 'mitigated', 'resolved']),
          openedAt: z.iso.datetime(),
          commander: z.string().optional(),
          pagedLevel: z.number().int().meta({ description: 'The escalation level paged last (1 = primary on call)' }),
        }),
      )
      .meta({
        description:
          'Every unresolved incident, most severe first, then oldest (GET /ops/incidents/{id} for the record)',
      }),
    surge: SurgeRecord.nullable().meta({
      description: "Surge mode in force (capacity at least this weather level's until then), or null",
    }),
  })
  .meta({ id: 'OperationsMetrics' });

export const LiveMap = z
  .object({
    generatedAt: z.iso.datetime(),
    technicians: z
      .array(
        z.object({
          id: z.string(),
          firstName: z
            .string()
            .nullable()
            .meta({ description: "From the technician's profile; null when they have none" }),
          status: z.enum(['available', 'busy', 'silent', 'on_break']).meta({
            description:
              'busy: holds a job (whatever their van reports); silent: no position within LOCATION_FRESH_MINUTES; offline or never-located technicians are not listed',
          }),
          location: point.meta({ description: 'Their last reported position' }),
          lastSeenMinutes: z.number().nullable().meta({ description: 'Minutes since that position (one decimal)' }),
          currentJob: z.uuid().optional().meta({ description: 'The request they hold' }),
        }),
      )
      .meta({ description: 'The real fleet (never the test fleet), by id' }),
    requests: z
      .array(
        z.object({
          id: z.uuid(),
          reference: z.string(),
          status: z.enum(['pending', 'assigned', 'en_route', 'on_site']),
          priority: z.number().int(),
          location: point,
          waitingMinutes: z.number().meta({ description: 'Minutes since the request was made (one decimal)' }),
          slaDeadline: z.iso.datetime(),
          minutesToDeadline: z.number().int().meta({ description: 'Negative once the deadline has passed' }),
          risk: z.enum(['on-track', 'at-risk', 'late']).meta({
            description:
              'late: deadline passed with nobody on site, or reached after it; at-risk: dispatch found nobody who can arrive in time, the ETA is past the deadline, or under 20 minutes left with nobody on the way; on-track otherwise',
          }),
          technicianId: z.string().optional(),
        }),
      )
      .meta({
        description:
          'Open requests (pending to on site) of real customers, most urgent first (late, at risk, on track; then nearest deadline), at most 500',
      }),
    weather: z.object({
      level: z.enum(['normal', 'elevated', 'severe']),
      updatedAt: z.iso
        .datetime()
        .nullable()
        .meta({ description: 'When weather scaling last decided; null before its first run' }),
      regions: z
        .array(
          z.object({
            region: z.string(),
            level: z.enum(['normal', 'elevated', 'severe']),
            conditions: z.array(z.string()),
          }),
        )
        .meta({ description: 'Regions that were not normal at the last run, and why' }),
    }),
    fleetNeeds: z
      .object({
        at: z.iso.datetime().meta({ description: 'When weather scaling worked it out' }),
        regions: z.array(
          z.object({
            region: z.string(),
            onShift: z.number().int().meta({ description: 'Vans on shift there (not offline, with a position)' }),
            needed: z
              .array(z.number().int())
              .meta({ description: 'Vans needed in each forecast hour, from the start of the hour it ran in' }),
            shortfall: z
              .object({ more: z.number().int(), from: z.iso.datetime(), to: z.iso.datetime() })
              .optional()
              .meta({ description: 'The first run of hours the weather leaves short: how many more vans, when' }),
            alert: z
              .string()
              .optional()
              .meta({ description: 'As operations were told: "Leeds needs 14 more vans from 16:00"' }),
          }),
        ),
      })
      .nullable()
      .meta({
        description:
          'The vans each region needs for the coming hours (pre-scaling); null before weather scaling has run',
      }),
  })
  .meta({ id: 'LiveMap' });
