// Operations' own settings: what counts as high priority, and the satisfaction target its figures are tracked against.
import { concern, field, numeric, int } from '#shared/config/concern.js';

export const operationsConcern = concern(
  'operations',
  {
    HIGH_PRIORITY_AT_MOST: field(
      int(1),
      'Pending requests of this priority or more urgent (1 is most urgent) count as HighPriorityPending.',
      '2',
    ),
    SATISFACTION_TARGET: field(
      numeric('a number from 1 to 5', (n) => n >= 1 && n <= 5),
      'Average customer rating (1–5, last 24 hours) that CustomerSatisfaction is tracked against; /ops/metrics shows it beside the figure.',
      '4.5',
    ),
  },
  (o) =>
    o.transform((c) => ({ highPriorityAtMost: c.HIGH_PRIORITY_AT_MOST, satisfactionTarget: c.SATISFACTION_TARGET })),
);
