// What was sent to customers, kept so a GDPR export can show it and erasure can scrub it.

export interface SentNotification {
  requestId?: string;
  phoneHash: string;
  purpose: string;
  message: string;
  sentAt: Date;
}

export interface NotificationLog {
  record(notification: SentNotification): Promise<void>;
}
