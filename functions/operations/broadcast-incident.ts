// Tells every customer with an open request that an incident is being handled: a dry run unless asked to send.
import * as z from 'zod';
import { areaOf, broadcastText, maskPhone } from '#shared/domain/incident-broadcast.js';
import { ValidationError } from '#shared/domain/errors.js';
import type { Clock } from '#shared/ports/clock.js';
import type { BroadcastRecipient, IncidentBroadcasts } from '#shared/ports/incident-broadcasts.js';
import type { Log } from '#shared/ports/logger.js';
import type { Notifier } from '#shared/ports/notifier.js';

export const BroadcastRequest = z
  .object({
    incidentId: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
        'an incident id such as INC-2026-014 (letters, digits, . _ -; up to 64)',
      ),
    /** Only an explicit true sends; absent or false is a dry run, so sending is never the accident. */
    send: z.boolean().optional(),
  })
  .strict();
export type BroadcastRequest = z.infer<typeof BroadcastRequest>;

export interface BroadcastDeps {
  /** The service's regions, by which an incident limited to some areas picks its customers. */
  regions?: ReadonlyArray<{ name: string; lat: number; lon: number }>;
  broadcasts: IncidentBroadcasts;
  notifier: Notifier;
  clock: Clock;
  log: Log;
}

export interface BroadcastReport {
  incidentId: string;
  dryRun: boolean;
  /** Customers with an open request not yet texted about this incident: who a send would reach. */
  recipients: number;
  numbers: string[];
  /** Customers already texted (or attempted) for this incident, who will not be texted again. */
  alreadyNotified: number;
  sent: number;
  /** Sends that failed; these customers are not retried for this incident (at most once). */
  failed: string[];
}

export function parseBroadcastRequest(event: unknown): BroadcastRequest {
  const parsed = BroadcastRequest.safeParse(event ?? {});
  if (!parsed.success)
    throw new ValidationError(
      `Invalid broadcast request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/**
 * `words` is what each customer is told: by default that the incident is being handled and their request stands
 * (incident response sends its resolution follow-up through here too, as its own notice id, so once as well).
 */
export async function broadcastIncident(
  deps: BroadcastDeps,
  request: BroadcastRequest,
  words: (recipient: BroadcastRecipient) => string = broadcastText,
  areas: readonly string[] = [],
): Promise<BroadcastReport> {
  const everywhere = await deps.broadcasts.openRecipients(request.incidentId);
  // An incident limited to some areas texts the customers there only; with none named, every open customer.
  const all =
    areas.length && deps.regions
      ? everywhere.filter((r) => areas.includes(areaOf(r.location, deps.regions!) ?? ''))
      : everywhere;
  const due = all.filter((r) => !r.alreadyNotified);
  const report: BroadcastReport = {
    incidentId: request.incidentId,
    dryRun: request.send !== true,
    recipients: due.length,
    numbers: due.map((r) => maskPhone(r.phone)),
    alreadyNotified: all.length - due.length,
    sent: 0,
    failed: [],
  };
  if (report.dryRun) return report;

  for (const recipient of due) {
    // Claimed before sending: another broadcast running at the same time finds the claim and skips this customer.
    if (!(await deps.broadcasts.claim(request.incidentId, recipient, deps.clock.now()))) {
      report.alreadyNotified++;
      continue;
    }
    try {
      await deps.notifier.send({
        channel: 'sms',
        purpose: 'incident-broadcast',
        requestId: recipient.requestId,
        to: recipient.phone,
        text: words(recipient),
      });
      await deps.broadcasts.markSent(request.incidentId, recipient.phone, deps.clock.now());
      report.sent++;
    } catch (error) {
      deps.log.error('incident broadcast SMS failed', {
        incidentId: request.incidentId,
        requestId: recipient.requestId,
        error: error,
      });
      report.failed.push(maskPhone(recipient.phone));
    }
  }
  deps.log.info('incident broadcast sent', { ...report });
  return report;
}
