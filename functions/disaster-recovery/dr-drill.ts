// drDrill: a synthetic emergency end to end (intake, dispatch to a test technician, accept, en route, arrival, completion,
// cleanup), timed step by step against budgets and the SLA, recorded as the monthly drill the DR plan asks for.
import * as z from 'zod';
import { isTestTechnician } from '#shared/domain/test-fleet.js';
import type { SyntheticNotificationLog } from '#shared/ports/notifier.js';
import type { TechnicianIndex } from '#shared/ports/technician-index.js';
import type { DrRunLog } from '#shared/ports/disaster-recovery.js';
import type { Principal } from '#shared/domain/principal.js';
import type { DispatchOutcome } from '#shared/ports/dispatcher.js';
import type { Clock, IdGenerator } from '#shared/ports/clock.js';
import type { RequestStore } from '#shared/ports/request-store.js';
import type { CreateEmergencyInput } from '#shared/schemas/emergency.js';
import { parseConsoleInput, runDrOperation, type DrOperationDeps, type OperationReport } from './dr-operation.js';

/** What the drill reads of an intake: the request as stored, and what dispatch did with it. */
export interface DrillIntake {
  request: { id: string; reference: string; isTest: boolean; slaDeadline: Date };
  queued: boolean;
  dispatch?: DispatchOutcome;
}

export interface DrillDeps extends DrOperationDeps {
  /** Intake exactly as POST /emergencies runs it (functions/intake), given by the composition. */
  createEmergency(input: CreateEmergencyInput, options: { syntheticTest: true }): Promise<DrillIntake>;
  /** A technician's step exactly as the van app takes it (functions/jobs), given by the composition. */
  applyJobAction(
    principal: Principal,
    jobId: string,
    action: 'accept' | 'decline' | 'en-route' | 'arrived' | 'complete',
    input?: { arrivalCode?: string },
  ): Promise<unknown>;
  requests: Pick<RequestStore, 'findById'>;
  clock: Clock;
  ids: IdGenerator;
  technicians: TechnicianIndex;
  testFleet: {
    enlist(t: {
      id: string;
      name: string;
      phone: string;
      homeBase: string;
      lat: number;
      lon: number;
      van: string;
    }): Promise<void>;
  };
  syntheticNotifications: SyntheticNotificationLog;
  drRuns: DrRunLog;
  /** Defaults to drillBudgetsMs. */
  budgetsMs?: Partial<Record<Step, number>>;
}

export const parseDrillInput = (event: unknown) =>
  parseConsoleInput(
    { history: z.boolean().default(false), limit: z.number().int().min(1).max(100).default(12) },
    event,
  );

/** Where the drill breaks down and where its test technician waits: Luton, 0.6 km apart, well inside the SLA. */
const drillPoint = { lat: 51.8793, lon: -0.4175 };
const drillTechnician = {
  id: 'test-drill-technician',
  name: 'Drill Technician',
  phone: '+447700900999',
  homeBase: 'Drill (synthetic)',
  lat: 51.8845,
  lon: -0.4185,
  van: 'Drill van (no real vehicle)',
};

/** Per-step budgets in ms: an intake that dispatches should answer in seconds; each van-app step is one guarded UPDATE. */
export const drillBudgetsMs = {
  intake: 5000,
  accept: 2000,
  'en-route': 2000,
  arrived: 2000,
  complete: 2000,
  cleanup: 2000,
} as const;
type Step = keyof typeof drillBudgetsMs;

export interface DrillResult {
  passed: boolean;
  requestId?: string;
  reference?: string;
  technicianId?: string;
  steps: Array<{ step: Step; ms: number; budgetMs: number; withinBudget: boolean }>;
  sla: { etaMinutes?: number; eta?: string; slaDeadline?: string; withinSla: boolean };
  /** What would have been texted: recorded, never sent. */
  recordedNotifications: string[];
  failures: string[];
}

export async function runDrill(
  deps: DrillDeps,
  input: ReturnType<typeof parseDrillInput>,
): Promise<OperationReport<Record<string, unknown>, DrillResult> | { history: unknown[] }> {
  if (input.history) return { history: await deps.drRuns.list('drill', input.limit) };
  const planText = [
    `1. Enlist test technician ${drillTechnician.id} (directory is_test, test-fleet index partition) and put them on shift near Luton.`,
    '2. Intake a synthetic emergency (is_test, drama-range phone) through createEmergency; it must be dispatched to the test technician.',
    "3. As that technician: accept, en route, drive to the breakdown (a fix at the breakdown itself), arrived, complete with the arrival code the customer's tracking page shows.",
    `4. Cleanup: the test technician goes offline. Every step is timed against its budget (${Object.entries(
      drillBudgetsMs,
    )
      .map(([s, ms]) => `${s} ${ms} ms`)
      .join(', ')}) and the ETA against the SLA deadline.`,
    '5. No real technician is touched and nothing is sent: messages are recorded in synthetic_notifications.',
  ];
  return runDrOperation(deps, {
    kind: 'drill',
    dryRun: input.dryRun,
    operator: input.operator,
    plan: { technician: drillTechnician.id, location: drillPoint, budgetsMs: drillBudgetsMs },
    planText,
    refusals: [],
    execute: () => drill(deps),
    succeeded: (r) => r.passed,
  });
}

async function drill(deps: DrillDeps): Promise<DrillResult> {
  const result: DrillResult = {
    passed: false,
    steps: [],
    sla: { withinSla: false },
    recordedNotifications: [],
    failures: [],
  };
  const timed = async <T>(step: Step, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      const ms = Math.round(performance.now() - started);
      const budgetMs = deps.budgetsMs?.[step] ?? drillBudgetsMs[step];
      result.steps.push({ step, ms, budgetMs, withinBudget: ms <= budgetMs });
    }
  };
  const now = deps.clock.now();
  await deps.testFleet.enlist(drillTechnician);
  await deps.technicians.recordLocation(drillTechnician.id, {
    location: { lat: drillTechnician.lat, lon: drillTechnician.lon },
    recordedAt: now,
  });
  await deps.technicians.setAvailability(drillTechnician.id, 'available');
  try {
    // A fresh drama-range number each run, so a rerun inside the duplicate window is not refused as the same caller.
    const phone = `+447700900${String(Number.parseInt(deps.ids.uuid().slice(0, 6), 16) % 999).padStart(3, '0')}`;
    const accepted = await timed('intake', () =>
      deps.createEmergency(
        {
          customer: { name: 'DR Drill', phone },
          location: drillPoint,
          vehicle: { makeModel: 'Drill (synthetic)' },
          issue: 'puncture',
          safety: { onMotorway: false, vulnerableOccupants: false },
          notes: 'Synthetic DR drill: no real customer',
        },
        { syntheticTest: true },
      ),
    );
    result.requestId = accepted.request.id;
    result.reference = accepted.request.reference;
    if (!accepted.request.isTest) result.failures.push('the drill request was not marked as a test');
    const outcome = accepted.dispatch;
    if (outcome?.kind !== 'assigned') {
      result.failures.push(
        `not dispatched (${accepted.queued ? 'queued in the intake buffer' : (outcome?.reason ?? 'dispatch failed')})`,
      );
      return result;
    }
    result.technicianId = outcome.technician.id;
    result.sla = {
      etaMinutes: outcome.etaMinutes,
      eta: outcome.eta.toISOString(),
      slaDeadline: accepted.request.slaDeadline.toISOString(),
      withinSla: outcome.eta <= accepted.request.slaDeadline,
    };
    if (!isTestTechnician(outcome.technician.id)) {
      // Cannot happen while the fleets are separated; if it ever does, give the real technician their job back at once.
      result.failures.push(`dispatched to REAL technician ${outcome.technician.id}`);
      await deps
        .applyJobAction({ subject: outcome.technician.id, groups: ['technicians'] }, accepted.request.id, 'decline')
        .catch(() => undefined);
      return result;
    }
    const principal = { subject: outcome.technician.id, groups: ['technicians'] };
    const jobId = accepted.request.id;
    await timed('accept', () => deps.applyJobAction(principal, jobId, 'accept'));
    await timed('en-route', () => deps.applyJobAction(principal, jobId, 'en-route'));
    // Proof of arrival: the van reports a fix at the breakdown (a moment after the one it set off from, so it is the
    // latest even on a frozen clock), and the customer reads out the code their tracking page shows.
    await deps.technicians.recordLocation(outcome.technician.id, {
      location: drillPoint,
      recordedAt: new Date(Math.max(deps.clock.now().getTime(), now.getTime() + 1000)),
    });
    await timed('arrived', () => deps.applyJobAction(principal, jobId, 'arrived'));
    const arrivalCode = (await deps.requests.findById(jobId))?.arrivalCode;
    await timed('complete', () => deps.applyJobAction(principal, jobId, 'complete', { arrivalCode }));
    result.recordedNotifications = (await deps.syntheticNotifications.listFor(accepted.request.id)).map(
      (n) => n.purpose,
    );
  } catch (error) {
    result.failures.push(error instanceof Error ? error.message : String(error));
  } finally {
    await timed('cleanup', () => deps.technicians.setAvailability(drillTechnician.id, 'offline'));
  }
  for (const s of result.steps)
    if (!s.withinBudget) result.failures.push(`${s.step} took ${s.ms} ms (budget ${s.budgetMs} ms)`);
  if (!result.sla.withinSla) result.failures.push('the ETA is past the SLA deadline');
  result.passed = result.failures.length === 0;
  return result;
}
