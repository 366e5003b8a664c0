// Request shapes of the GDPR routes (operations only).
import * as z from 'zod';
import { requestStatuses } from '#shared/domain/emergency.js';
import { phoneNumber } from '#shared/schemas/emergency.js';

export const DataSubjectBody = z
  .object({ phone: phoneNumber }, { error: 'the body must be a JSON object with phone' })
  .strict()
  .meta({ id: 'DataSubject', description: 'The customer, by the phone number they gave' });

// Response shapes of the GDPR routes, documented in the OpenAPI document and checked by the contract tests.
const iso = z.iso.datetime();
const row = z.record(z.string(), z.unknown()).nullable();

export const HeldRequest = z
  .object({
    id: z.string(),
    reference: z.string(),
    status: z.enum(requestStatuses),
    customerName: z.string(),
    phone: z.string().optional().meta({ description: 'Absent once the request has been anonymised' }),
    location: z.object({ lat: z.number(), lon: z.number() }),
    address: z.string().optional(),
    postcode: z.string().optional(),
    vehicle: z.object({ makeModel: z.string(), registration: z.string().optional() }),
    issue: z.string(),
    safety: z.object({ onMotorway: z.boolean(), vulnerableOccupants: z.boolean() }),
    notes: z.string().optional(),
    priority: z.number().int(),
    technicianId: z.string().optional(),
    createdAt: iso,
    assignedAt: iso.optional(),
    acceptedAt: iso.optional(),
    enRouteAt: iso.optional(),
    onSiteAt: iso.optional(),
    completedAt: iso.optional(),
    cancelledAt: iso.optional(),
    slaDeadline: iso,
  })
  .meta({ id: 'HeldRequest', description: 'One request as held, personal data included' });

export const PersonalDataExport = z
  .object({
    phone: z.string(),
    generatedAt: iso,
    requests: z.array(HeldRequest),
    statusHistory: z.array(z.object({ requestId: z.string(), status: z.string(), at: iso })),
    auditTrail: z.array(
      z.object({
        requestId: z.string(),
        auditId: z.number().int(),
        operation: z.enum(['INSERT', 'UPDATE', 'DELETE']),
        changedAt: iso,
        changedBy: z.string(),
        oldRow: row.meta({
          description: 'The row before, without internal secrets (sealed number, look-up hash, tracking-token hash)',
        }),
        newRow: row,
      }),
    ),
    notifications: z.array(
      z.object({ requestId: z.string().optional(), purpose: z.string(), message: z.string().nullable(), sentAt: iso }),
    ),
  })
  .meta({
    id: 'PersonalDataExport',
    description: 'Everything held about one customer phone number (empty lists when nothing is held)',
  });

export const ErasureReport = z
  .object({
    erased: z.number().int().meta({ description: 'How many requests were anonymised' }),
    requestIds: z.array(z.string()),
  })
  .meta({ id: 'ErasureReport' });
