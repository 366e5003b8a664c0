// Where "today" starts for operations: midnight in UK local time (GMT in winter, BST in summer), as a UTC instant.

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function partsOf(at: Date) {
  const parts = Object.fromEntries(londonParts.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** Minutes London is ahead of UTC at this instant: 0 (GMT) or 60 (BST). */
export function ukOffsetMinutes(at: Date): number {
  const p = partsOf(at);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return Math.round((asUtc - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * Midnight of the UK calendar day containing `at`. The clocks change at 01:00 UTC, never at midnight, so midnight
 * itself always exists exactly once; a day is 23 hours long in March and 25 in October.
 */
export function startOfUkDay(at: Date): Date {
  const { year, month, day } = partsOf(at);
  const utcMidnight = Date.UTC(year, month - 1, day);
  // Midnight London time is UTC midnight minus the offset in force at that moment; try both and keep the consistent one.
  for (const offset of [ukOffsetMinutes(new Date(utcMidnight)), 0, 60]) {
    const candidate = new Date(utcMidnight - offset * 60_000);
    if (ukOffsetMinutes(candidate) === offset) return candidate;
  }
  throw new Error(`no UK midnight found for ${at.toISOString()}`);
}

const ukClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });

/** "14:05" in UK local time: how every message to a customer, technician or operations states a time. */
export function formatUkTime(at: Date): string {
  return ukClock.format(at);
}
