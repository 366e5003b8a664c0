// The two web pages' own settings (README, "Web pages"): parsed only by the pages function.
import * as z from 'zod';
import { concern, field } from '#shared/config/concern.js';

export const pagesConcern = concern(
  'pages',
  {
    MAP_TILE_URL: field(
      z
        .string()
        .regex(/^https:\/\/[^\s"<>]+\{z\}[^\s"<>]*$/, 'must be an https URL template with {z}, {x} and {y}')
        .optional(),
      'Optional map tile layer for the pages, e.g. https://tile.example.com/{z}/{x}/{y}.png. Unset, the maps draw only the shipped GB and Ireland outline (tests and npm start never need a tile server).',
    ),
    OPS_SIGN_IN_URL: field(
      z
        .string()
        .regex(/^https:\/\/[^\s"<>]+$/, 'must be an https URL')
        .optional(),
      "Cognito hosted sign-in URL the operations live view sends staff to (the stack's OpsSignInUrl output). Unset (local), /ops/live asks for a token from `npm run token` instead.",
    ),
  },
  (o) => o.transform((c) => ({ mapTileUrl: c.MAP_TILE_URL, opsSignInUrl: c.OPS_SIGN_IN_URL })),
);
