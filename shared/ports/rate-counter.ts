// Fixed-window counters for abuse limits (per-phone intake, SMS per destination).

export type RateDecision = { allowed: true; count: number } | { allowed: false; retryAfterSeconds: number };

export interface RateCounter {
  /**
   * Counts one use of `key` in the clock hour containing `at`, unless `limit` uses were already counted there.
   * Refusals are not counted, so a caller who waits gets in as soon as the hour turns.
   */
  take(key: string, limit: number, at: Date): Promise<RateDecision>;
}
