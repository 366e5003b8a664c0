// Telling people what is happening: customers and technicians by SMS, operations on their topic.
import type { Log } from './logger.js';

/** Set on every message about a synthetic (is_test) request: it is recorded, never sent. */
export interface SyntheticTag {
  synthetic?: { requestId: string };
}

export type Notification = (
  | {
      channel: 'sms';
      to: string;
      text: string;
      purpose:
        | 'customer-assigned'
        | 'customer-en-route'
        | 'customer-arrived'
        | 'customer-reassigned'
        | 'customer-cancelled'
        | 'technician-offer'
        | 'technician-offer-withdrawn'
        | 'technician-job-reassigned'
        | 'technician-job-cancelled'
        | 'incident-broadcast';
      /** The emergency a customer message is about: recorded with it, so GDPR export can list what was sent. */
      requestId?: string;
    }
  | {
      channel: 'operations';
      subject: string;
      text: string;
      purpose:
        | 'sla-at-risk'
        | 'no-technician-in-range'
        | 'weather-level-change'
        | 'forecast-unavailable'
        | 'fleet-shortfall'
        | 'dr-operation'
        | 'dr-check-failed'
        | 'notification-undelivered';
    }
) &
  SyntheticTag;

/** The tag for messages about this request: empty for a real one. */
export const aboutRequest = (request: { id: string; isTest: boolean }): SyntheticTag =>
  request.isTest ? { synthetic: { requestId: request.id } } : {};

/** Where messages about synthetic requests go instead of out: what they would have said, to whom, and when. */
export interface SyntheticNotificationLog {
  record(notification: Notification & Required<SyntheticTag>, at: Date): Promise<void>;
  listFor(
    requestId: string,
  ): Promise<Array<{ channel: string; purpose: string; to?: string; text: string; recordedAt: Date }>>;
}

export interface SendOptions {
  /** Abandons the attempt (notification continuity bounds each attempt); adapters pass it to their SDK or fetch. */
  signal?: AbortSignal;
}

/** A provider could not take a message: `transient` when trying again may work (throttling, 5xx, timeouts). */
export class SendFailed extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'SendFailed';
  }
}

export interface Notifier {
  send(notification: Notification, options?: SendOptions): Promise<void>;
}

/** Messages are best effort: a failed SMS must never undo an assignment already made. */
export async function notify(deps: { notifier: Notifier; log: Log }, notification: Notification): Promise<void> {
  try {
    await deps.notifier.send(notification);
  } catch (error) {
    deps.log.error('notification failed', { purpose: notification.purpose, error: error });
  }
}
