// GDPR for customers: export everything held about a phone number, erase it, and anonymise closed requests after the retention period.
import type { EmergencyRequest } from '#shared/domain/emergency.js';
import { Conflict } from '#shared/domain/errors.js';
import type { Clock } from '#shared/ports/clock.js';
import type { Log } from '#shared/ports/logger.js';
import type { PersonalDataStore } from '#shared/ports/personal-data.js';
import type { PhoneProtection } from '#shared/ports/phone-protection.js';

export interface PersonalDataDeps {
  personalData: PersonalDataStore;
  phones: Pick<PhoneProtection, 'lookupHash'>;
  clock: Clock;
  log: Log;
}

const iso = (d: Date | undefined) => d?.toISOString();

function requestView(r: EmergencyRequest) {
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    customerName: r.customerName,
    phone: r.phone || undefined,
    location: r.location,
    address: r.address,
    postcode: r.postcode,
    vehicle: { makeModel: r.vehicleMakeModel, registration: r.vehicleRegistration },
    issue: r.issue,
    safety: { onMotorway: r.onMotorway, vulnerableOccupants: r.vulnerableOccupants },
    notes: r.notes,
    priority: r.priority,
    technicianId: r.technicianId,
    createdAt: iso(r.createdAt),
    assignedAt: iso(r.assignedAt),
    acceptedAt: iso(r.acceptedAt),
    enRouteAt: iso(r.enRouteAt),
    onSiteAt: iso(r.onSiteAt),
    completedAt: iso(r.completedAt),
    cancelledAt: iso(r.cancelledAt),
    slaDeadline: iso(r.slaDeadline),
  };
}

/** One JSON document: the requests, how each one's status changed, the full audit trail, and the messages sent. */
export async function exportPersonalData(deps: PersonalDataDeps, phone: string) {
  const held = await deps.personalData.findByPhone(await deps.phones.lookupHash(phone), phone);
  deps.log.info('personal data exported', {
    requests: held.requests.length,
    auditRows: held.audit.length,
    notifications: held.notifications.length,
  });
  return {
    phone,
    generatedAt: deps.clock.now().toISOString(),
    requests: held.requests.map(requestView),
    statusHistory: held.audit
      .filter((a) => a.newRow && (a.operation === 'INSERT' || a.oldRow?.status !== a.newRow.status))
      .map((a) => ({ requestId: a.requestId, status: a.newRow!.status as string, at: a.changedAt.toISOString() })),
    auditTrail: held.audit.map((a) => ({ ...a, changedAt: a.changedAt.toISOString() })),
    notifications: held.notifications.map((n) => ({ ...n, sentAt: n.sentAt.toISOString() })),
  };
}

export async function erasePersonalData(deps: PersonalDataDeps, phone: string, requestedBy: string) {
  const outcome = await deps.personalData.eraseByPhone(
    await deps.phones.lookupHash(phone),
    phone,
    requestedBy,
    deps.clock.now(),
  );
  if (outcome.kind === 'open') {
    throw new Conflict(
      `This customer still has open requests (${outcome.references.join(', ')}). Erase them once they are completed or cancelled.`,
      {
        openReferences: outcome.references,
      },
    );
  }
  deps.log.info('personal data erased', { requests: outcome.requestIds.length, requestIds: outcome.requestIds });
  return { erased: outcome.requestIds.length, requestIds: outcome.requestIds };
}

export interface RetentionDeps extends PersonalDataDeps {
  retentionDays: number;
}

/** Anonymises requests closed more than `retentionDays` ago, in batches, until none is left. */
export async function applyRetention(
  deps: RetentionDeps,
  batchSize = 500,
): Promise<{ anonymised: number; closedBefore: string }> {
  const now = deps.clock.now();
  const closedBefore = new Date(now.getTime() - deps.retentionDays * 86_400_000);
  let anonymised = 0;
  for (;;) {
    const n = await deps.personalData.anonymiseClosedBefore(closedBefore, batchSize, now);
    anonymised += n;
    if (n < batchSize) break;
  }
  deps.log.info('retention applied', { anonymised, closedBefore: closedBefore.toISOString() });
  return { anonymised, closedBefore: closedBefore.toISOString() };
}
