// Pure statistics for the benchmark: nearest-rank percentiles, latency summaries and ratios.

/** Nearest-rank percentile (p in 0–100) of unsorted samples: always one of the samples, never interpolated. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be within 0–100, got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Milliseconds, rounded to 0.1 ms: finer digits are noise on a shared machine. */
export function summarise(latenciesMs: readonly number[]): LatencySummary {
  // Nothing succeeded: report no latency rather than invent one (the error count says what happened).
  if (latenciesMs.length === 0) return { count: 0, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: latenciesMs.length,
    p50: round(percentile(latenciesMs, 50)),
    p95: round(percentile(latenciesMs, 95)),
    p99: round(percentile(latenciesMs, 99)),
    max: round(Math.max(...latenciesMs)),
    mean: round(latenciesMs.reduce((sum, x) => sum + x, 0) / latenciesMs.length),
  };
}

/** numerator ÷ denominator to three significant digits (so 0.0048 stays visible); null against a zero baseline. */
export function ratio(numerator: number, denominator: number): number | null {
  if (denominator === 0 || !Number.isFinite(numerator) || !Number.isFinite(denominator)) return null;
  return Number((numerator / denominator).toPrecision(3));
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, x) => total + x, 0);
}
