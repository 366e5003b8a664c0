// The path of the customer's routes on one request. Its own module: the tracking routes would otherwise bundle the
// intake body's phone and postcode validators (libphonenumber, ~125 KiB) to check one UUID.
import * as z from 'zod';

export const EmergencyIdPath = z.object({ id: z.uuid({ error: 'the emergency id must be a UUID' }) });
