// Everything held about a customer, found by the keyed hash of their phone number: for GDPR export, erasure and retention.
import type { EmergencyRequest } from '#shared/domain/emergency.js';

export interface AuditEntry {
  requestId: string;
  auditId: number;
  operation: 'INSERT' | 'UPDATE' | 'DELETE';
  changedAt: Date;
  changedBy: string;
  /** The row before and after, without internal secrets (sealed number, look-up hash, tracking-token hash). */
  oldRow: Record<string, unknown> | null;
  newRow: Record<string, unknown> | null;
}

export interface SentMessage {
  requestId?: string;
  purpose: string;
  message: string | null;
  sentAt: Date;
}

export interface PersonalDataHeld {
  requests: EmergencyRequest[];
  audit: AuditEntry[];
  notifications: SentMessage[];
}

export type ErasureOutcome =
  | { kind: 'erased'; requestIds: string[] }
  /** Some of this customer's requests are still open: nothing was changed. */
  | { kind: 'open'; references: string[] };

export interface PersonalDataStore {
  /** By keyed hash, plus the plain number for rows stored before migration 0006 and not yet converted. */
  findByPhone(phoneHash: string, phone: string): Promise<PersonalDataHeld>;
  /**
   * Anonymises every request of this phone, its audit rows and messages, and records the erasure (ids only), in one
   * transaction; refuses, changing nothing, while any of them is open.
   */
  eraseByPhone(phoneHash: string, phone: string, requestedBy: string, at: Date): Promise<ErasureOutcome>;
  /** Anonymises up to `limit` requests closed before `closedBefore` the same way; returns how many. */
  anonymiseClosedBefore(closedBefore: Date, limit: number, at: Date): Promise<number>;
}
