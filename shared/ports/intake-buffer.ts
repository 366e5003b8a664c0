// Where an emergency is kept when the system of record cannot take it, until it can.
import type { NewEmergency } from '../domain/emergency.js';

export interface IntakeBuffer {
  hold(request: NewEmergency): Promise<void>;
  find(id: string): Promise<NewEmergency | undefined>;
  /** Oldest first is not guaranteed; callers must not rely on order. */
  list(limit: number): Promise<NewEmergency[]>;
  release(id: string): Promise<void>;
  ping(timeoutMs: number): Promise<void>;
  /** Resolves when a write to the buffer would be accepted, without writing anything; rejects otherwise. */
  probeWritable(timeoutMs: number): Promise<void>;
}
