// The public shapes of the emergency API: validated here once, and turned into the OpenAPI document.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { isValid as isValidPostcode, toNormalised as normalisePostcode } from 'postcode';
import * as z from 'zod';
import { isFictionalUkNumber, requestStatuses, tyreIssues } from '#shared/domain/emergency.js';
import { freeText as text } from './free-text.js';

// Digits, spaces, +, brackets, dots and dashes only: libphonenumber would otherwise find a number inside any text.
const phoneCharacters = /^[0-9+()\-. ]*$/;

export const phoneNumber = z
  .string({
    error: (issue) => (issue.input === undefined ? 'customer phone is required' : 'customer phone must be text'),
  })
  .max(32, 'customer phone is too long')
  .transform((value, ctx) => {
    if (!phoneCharacters.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'customer phone may contain only digits, spaces, +, brackets, dots and dashes',
      });
      return z.NEVER;
    }
    // National numbers are read as UK numbers; an Irish or other number must be given with its +country code.
    const parsed = parsePhoneNumberFromString(value, 'GB');
    // libphonenumber calls Ofcom's drama range invalid; we accept it so synthetic tests and demos never text a real person.
    // libphonenumber's metadata also calls some 4–5 digit national service numbers valid (+98 9000): a customer we
    // must be able to text has a full E.164 number of 7 to 15 digits.
    if (
      !parsed ||
      !(parsed.isValid() || isFictionalUkNumber(parsed.number)) ||
      !/^\+[1-9][0-9]{6,14}$/.test(parsed.number)
    ) {
      ctx.addIssue({
        code: 'custom',
        message: 'customer phone must be a valid phone number, e.g. 07700 900123 or +44 7700 900123',
      });
      return z.NEVER;
    }
    return parsed.number;
  })
  .meta({ description: 'UK number in national or international format; stored in E.164', examples: ['07700 900123'] });

const postcode = z
  .string({ error: 'location postcode must be text' })
  .max(10, 'location postcode is too long')
  .transform((value, ctx) => {
    if (!isValidPostcode(value)) {
      ctx.addIssue({ code: 'custom', message: 'location postcode is not a valid UK postcode, e.g. SW1A 1AA' });
      return z.NEVER;
    }
    return normalisePostcode(value)!;
  })
  .meta({ examples: ['M1 1AE'] });

const coordinate = (name: 'lat' | 'lon', limit: number) =>
  z
    .number({ error: `location ${name} must be a number` })
    .min(-limit, `location ${name} must be between -${limit} and ${limit}`)
    .max(limit, `location ${name} must be between -${limit} and ${limit}`);

const location = z
  .object({
    lat: coordinate('lat', 90).optional(),
    lon: coordinate('lon', 180).optional(),
    postcode: postcode.optional(),
  })
  .superRefine((value, ctx) => {
    const hasPoint = value.lat !== undefined || value.lon !== undefined;
    if (hasPoint && (value.lat === undefined || value.lon === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'location needs both lat and lon',
        path: value.lat === undefined ? ['lat'] : ['lon'],
      });
    } else if (!hasPoint && value.postcode === undefined) {
      ctx.addIssue({ code: 'custom', message: 'location needs either lat and lon, or a postcode' });
    }
  })
  .meta({ description: 'Either {lat, lon} (WGS84) or {postcode}; must be in the UK or Ireland' });

const registration = z
  .string({ error: 'vehicle registration must be text' })
  .max(12, 'vehicle registration is too long')
  .transform((value) => value.toUpperCase().replace(/\s+/g, ''))
  .refine(
    (value) => /^[A-Z0-9-]{1,10}$/.test(value),
    'vehicle registration may contain only letters, digits and dashes',
  );

const flag = (what: string) => z.boolean({ error: `${what} must be true or false` });

export const CreateEmergencyBody = z
  .object(
    {
      customer: z.object(
        { name: text(100, 'customer name'), phone: phoneNumber },
        { error: 'customer must be an object with name and phone' },
      ),
      location,
      address: text(300, 'address', { multiline: true }).optional(),
      vehicle: z.object(
        { makeModel: text(80, 'vehicle makeModel'), registration: registration.optional() },
        { error: 'vehicle must be an object with makeModel' },
      ),
      issue: z.enum(tyreIssues, { error: `issue must be one of: ${tyreIssues.join(', ')}` }),
      safety: z
        .object({
          onMotorway: flag('safety onMotorway').default(false),
          vulnerableOccupants: flag('safety vulnerableOccupants').default(false),
        })
        .optional(),
      notes: text(1000, 'notes', { multiline: true }).optional(),
    },
    { error: 'the body must be a JSON object' },
  )
  .meta({ id: 'CreateEmergency' });
export type CreateEmergencyInput = z.output<typeof CreateEmergencyBody>;

export { EmergencyIdPath } from './emergency-path.js';

export const TechnicianSummary = z.object({
  id: z.string(),
  firstName: z.string(),
  van: z.string(),
  distanceKm: z.number(),
});

export const PendingEstimate = z
  .object({
    eta: z.iso.datetime(),
    etaMinutes: z.number().int().min(0),
    basis: z.enum(['nearest-free-van', 'earliest-possible']).meta({
      description:
        'nearest-free-van: the nearest free technician who can make the deadline, after the next dispatch window (a minute); an estimate, not a promise, since the window may give them to a more urgent request. earliest-possible: every technician who could make it was just given another request and dispatch retries within a minute; a lower bound',
    }),
  })
  .meta({
    id: 'PendingEstimate',
    description: 'When help may come to a pending request: a heuristic estimate, not a promise',
  });

export const CreatedEmergency = z
  .object({
    id: z.uuid(),
    reference: z.string().meta({ examples: ['TH-7K3Q9P'] }),
    status: z.enum(requestStatuses),
    priority: z.number().int().min(1).max(5).meta({ description: '1 is the most urgent' }),
    trackingToken: z
      .string()
      .meta({ description: 'Send as X-Tracking-Token to read or cancel this request; shown only once' }),
    slaDeadline: z.iso.datetime(),
    createdAt: z.iso.datetime(),
    queued: z
      .boolean()
      .optional()
      .meta({ description: 'true when accepted into the fallback buffer during a database outage (HTTP 202)' }),
    technician: TechnicianSummary.optional().meta({
      description: 'Who is coming, when dispatch found someone straight away',
    }),
    eta: z.iso.datetime().optional(),
    etaMinutes: z.number().int().optional(),
    slaAtRisk: z
      .boolean()
      .optional()
      .meta({ description: 'true when nobody free can arrive before slaDeadline yet; operations have been told' }),
    estimate: PendingEstimate.nullable().optional().meta({
      description:
        'A pending answer only: when help may come, where dispatch has a basis for it; null where it has none (nobody can make the deadline, nobody is in range, dispatch is still running, or the request was held in the fallback buffer)',
    }),
    message: z
      .string()
      .optional()
      .meta({
        description:
          'A pending answer only: one sentence for the customer saying what the estimate is, or why there is none yet',
        examples: [
          'We cannot give you an arrival time yet: no free technician can reach you within our 90-minute promise. Our operations team has been alerted and is finding you help. We will text you as soon as a technician is assigned.',
        ],
      }),
  })
  .meta({ id: 'CreatedEmergency' });

export const EmergencyView = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    status: z.enum(requestStatuses),
    priority: z.number().int(),
    issue: z.enum(tyreIssues),
    location: z.object({ lat: z.number(), lon: z.number() }),
    postcode: z.string().optional(),
    createdAt: z.iso.datetime(),
    slaDeadline: z.iso.datetime(),
    eta: z.iso.datetime().optional(),
    etaMinutes: z.number().int().optional().meta({ description: 'While en route: recomputed from the live position' }),
    technicianId: z.string().optional(),
    technician: z.object({ firstName: z.string(), van: z.string() }).optional().meta({
      description:
        'Who is coming: their first name and van, while a technician is assigned, en route or on site (GET only)',
    }),
    arrivalCode: z
      .string()
      .regex(/^[0-9]{4}$/)
      .optional()
      .meta({
        description:
          'Read this to the technician when they reach you: they need it to complete the job. Shown only here, while a technician is assigned, en route or on site.',
      }),
    technicianLocation: z
      .object({ lat: z.number(), lon: z.number(), recordedAt: z.iso.datetime() })
      .optional()
      .meta({ description: 'While en route' }),
    timeline: z.record(z.string(), z.iso.datetime()),
    queued: z.boolean().optional(),
    rating: z
      .object({ score: z.number().int().min(1).max(5), comment: z.string().optional() })
      .optional()
      .meta({ description: 'Your rating, once given' }),
  })
  .meta({ id: 'Emergency' });
