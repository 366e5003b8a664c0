// Where the SLOs' events are counted, and where their latest evaluation is kept for /ops/metrics and the live view.
import type { SloEvaluation, SloName, WindowCounts } from '#shared/domain/slo.js';

/** Good and total events per window, for the SLOs this source can count (the gateway: availability and latency). */
export interface SloEventSource {
  counts(now: Date): Promise<Partial<Record<SloName, WindowCounts>>>;
}

/** collectMetrics' latest evaluation: what /ops/metrics and the live view show, so they agree with the alarms. */
export interface SloStatus {
  at: string;
  slos: SloEvaluation[];
  /** SLOs that had no figures this time, and why (no gateway metrics locally, CloudWatch unreachable). */
  unavailable: Array<{ slo: SloName; reason: string }>;
}

export interface SloStatusStore {
  save(status: SloStatus): Promise<void>;
  load(): Promise<SloStatus | undefined>;
}
