// The customer's rating of a completed job. Its own module, so the rating route's bundle carries no phone or postcode
// validation (libphonenumber-js alone is 123 KiB).
import * as z from 'zod';
import { freeText } from '#shared/schemas/free-text.js';

export const RatingBody = z
  .object(
    {
      rating: z
        .number({ error: 'rating must be a whole number from 1 to 5' })
        .int('rating must be a whole number from 1 to 5')
        .min(1, 'rating must be from 1 to 5')
        .max(5, 'rating must be from 1 to 5'),
      comment: freeText(500, 'comment', { multiline: true }).optional(),
    },
    { error: 'the body must be a JSON object with rating' },
  )
  .strict()
  .meta({ id: 'Rating', description: 'How the job went, 1 (poor) to 5 (excellent), with an optional comment' });

export const RatingRecorded = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    rating: z.object({ score: z.number().int().min(1).max(5), comment: z.string().optional() }),
  })
  .meta({ id: 'RatingRecorded' });
