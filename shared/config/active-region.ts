// Where the active-region record lives and how long a function keeps what it read (docs/operations.md, "Disaster recovery").
import * as z from 'zod';
import { concern, field, int } from './concern.js';

export const activeRegionConcern = concern(
  'activeRegion',
  {
    ACTIVE_REGION_DEFAULT: field(
      z.string().optional(),
      "The region that serves while no failover has written the active-region record: the pair's primary (empty: this region).",
    ),
    ACTIVE_REGION_CACHE_MS: field(
      int(0),
      'How long a function keeps the active-region record it read before reading it again (a failover reaches every function within this).',
      '5000',
    ),
  },
  (o) =>
    o.transform((c) => ({ defaultRegion: c.ACTIVE_REGION_DEFAULT || undefined, cacheMs: c.ACTIVE_REGION_CACHE_MS })),
);
