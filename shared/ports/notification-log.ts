// What was sent to customers, kept so a GDPR export can show it and erasure can scrub it, and counted for the SMS cap.

export interface SentNotification {
  requestId?: string;
  phoneHash: string;
  purpose: string;
  message: string;
  sentAt: Date;
}

export interface NotificationLog {
  record(notification: SentNotification): Promise<void>;
  /**
   * Records a message about to be sent unless its destination already had `cap` messages in the hour before its
   * `sentAt`; atomic against concurrent sends to that number. Answers the record's id, or 'capped' (nothing recorded).
   */
  recordWithinCap(notification: SentNotification, cap: number): Promise<{ id: string } | 'capped'>;
  /** Deletes a record made by recordWithinCap whose message could not be sent after all. */
  withdraw(id: string): Promise<void>;
}
