// The path of the customer's routes on one request. Its own module: the tracking routes would otherwise bundle the
// intake body's phone and postcode validators (libphonenumber, ~125 KiB) to check one UUID.
import * as z from 'zod';

export const EmergencyIdPath = z.object({ id: z.uuid({ error: 'the emergency id must be a UUID' }) });

// The same pattern as shared/domain/tracking.ts (not imported: it would bring node:crypto's hashing into the schema).
const bookingReference = /^TH-[2-9A-HJKMNP-TV-Z]{6}$/;

/**
 * GET /emergencies/{id} also answers to the booking reference: the tracking page's link (/t/{reference}#<token>)
 * carries the reference the customer reads out on the phone, not the id.
 */
export const EmergencyIdOrReferencePath = z.object({
  id: z.union([z.uuid(), z.string().regex(bookingReference)], {
    error: 'the emergency id must be a UUID or a booking reference such as TH-7K3Q9P',
  }),
});
