// Elapsed times and cut-offs in the minutes that operations and dispatch speak in.

/** Minutes from `from` to `to`, to one decimal; never negative (a clock a moment ahead has not waited back in time). */
export function minutesWaited(from: Date, to: Date): number {
  return Math.round(Math.max(0, to.getTime() - from.getTime()) / 6_000) / 10;
}

/** A technician whose last fix is older than this instant is silent, so not dispatchable. */
export function freshSince(now: Date, freshMinutes: number): Date {
  return new Date(now.getTime() - freshMinutes * 60_000);
}
