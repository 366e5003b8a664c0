// Links sent to customers: parsed by every function that texts a customer their tracking link.
import * as z from 'zod';
import { concern, field } from './concern.js';

export const linksConcern = concern(
  'links',
  {
    PUBLIC_BASE_URL: field(
      z
        .string()
        .regex(
          /^https?:\/\/[^\s/]+(\/[^\s]*[^\s/])?$/,
          'must be a scheme, host and optional path, without a trailing slash',
        ),
      "Where customers open the tracking page: the SMS on assignment links to PUBLIC_BASE_URL/t/{reference}#<token>. Deployed stages set the API's own URL; locally the npm start URL.",
      'http://localhost:3000',
    ),
  },
  (o) => o.transform((c) => ({ publicBaseUrl: c.PUBLIC_BASE_URL })),
);
