// Intake's limits and windows; MAX_BODY_BYTES is also every HTTP route's body limit (shared/compose/http.ts).
import { concern, field, int } from './concern.js';

export const intakeConcern = concern(
  'intake',
  {
    MAX_BODY_BYTES: field(int(256), 'Largest request body accepted; larger gets 413.', '16384'),
    DEDUP_WINDOW_MINUTES: field(
      int(),
      'An open request from the same phone within this window is answered 409 with its reference.',
      '5',
    ),
    SLA_MINUTES: field(int(1), 'Arrival guarantee: the SLA deadline is creation time plus this.', '90'),
    IDEMPOTENCY_TTL_SECONDS: field(
      int(1),
      'How long an Idempotency-Key replays its first response (a retry within it is matched to the stored request).',
      '86400',
    ),
    INTAKE_JOURNAL_SECONDS: field(
      int(),
      "How long a copy of each stored intake stays in the replicated intake buffer, so a failover can put back a 201 the database's replica never received (0: no copy). Well over the replication lag drCheck fails at (30 s).",
      '120',
    ),
    DISPATCH_BUDGET_MS: field(
      int(),
      'Most time POST /emergencies spends on dispatch after the commit; then it answers pending and redispatch carries on.',
      '3000',
    ),
  },
  (o) =>
    o.transform((c) => ({
      maxBodyBytes: c.MAX_BODY_BYTES,
      dedupWindowMinutes: c.DEDUP_WINDOW_MINUTES,
      slaMinutes: c.SLA_MINUTES,
      idempotencyTtlSeconds: c.IDEMPOTENCY_TTL_SECONDS,
      dispatchBudgetMs: c.DISPATCH_BUDGET_MS,
      journalSeconds: c.INTAKE_JOURNAL_SECONDS,
    })),
);
