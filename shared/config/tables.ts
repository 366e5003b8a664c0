// The DynamoDB table names a function reads from config (the tables themselves are defined in resources/).
import { concern, field, text } from './concern.js';

export const tablesConcern = concern(
  'tables',
  {
    LOCATIONS_TABLE: field(text, 'DynamoDB table of live technician locations.', 'tyrehero-dispatch-local-locations'),
    IDEMPOTENCY_TABLE: field(
      text,
      'Retired: the DynamoDB table of Powertools Idempotency-Key records, before migration 0015 kept replay in PostgreSQL. Nothing reads it; it goes with the table next release.',
      'tyrehero-dispatch-local-idempotency',
    ),
    SCALING_STATE_TABLE: field(
      text,
      'DynamoDB table of weather scaling state (read for the severe-weather flag).',
      'tyrehero-dispatch-local-scaling-state',
    ),
    INTAKE_BUFFER_TABLE: field(
      text,
      'DynamoDB table that keeps emergencies accepted while PostgreSQL is unreachable.',
      'tyrehero-dispatch-local-intake-buffer',
    ),
    RATE_LIMITS_TABLE: field(
      text,
      'DynamoDB table of per-phone intake and per-destination SMS counters, used while PostgreSQL is unreachable (expired by TTL).',
      'tyrehero-dispatch-local-rate-limits',
    ),
  },
  (o) =>
    o.transform((c) => ({
      locations: c.LOCATIONS_TABLE,
      idempotency: c.IDEMPOTENCY_TABLE,
      scalingState: c.SCALING_STATE_TABLE,
      intakeBuffer: c.INTAKE_BUFFER_TABLE,
      rateLimits: c.RATE_LIMITS_TABLE,
    })),
);
