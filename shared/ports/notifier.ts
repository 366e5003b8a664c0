// Telling people what is happening: customers and technicians by SMS, operations on their topic.
export type Notification =
  | {
      channel: 'sms';
      to: string;
      text: string;
      purpose: 'customer-assigned' | 'customer-en-route' | 'customer-arrived' | 'technician-offer' | 'technician-offer-withdrawn' | 'incident-broadcast';
      /** The emergency a customer message is about: recorded with it, so GDPR export can list what was sent. */
      requestId?: string;
    }
  | { channel: 'operations'; subject: string; text: string; purpose: 'sla-at-risk' | 'no-technician-in-range' | 'weather-level-change' | 'forecast-unavailable' };

export interface Notifier {
  send(notification: Notification): Promise<void>;
}
