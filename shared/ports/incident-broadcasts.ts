// Who an incident broadcast should reach, and the record that each customer is texted at most once per incident.
import type { RequestStatus } from '#shared/domain/emergency.js';

export interface BroadcastRecipient {
  requestId: string;
  reference: string;
  phone: string;
  status: RequestStatus;
  eta?: Date;
  /** Where the breakdown is: an incident limited to some areas texts only the customers there. */
  location: { lat: number; lon: number };
  /** This customer has already been claimed (texted, or a send was attempted) for this incident. */
  alreadyNotified: boolean;
}

export interface IncidentBroadcasts {
  /** One entry per customer (phone) with an open request, most urgent request first; test requests never appear. */
  openRecipients(incidentId: string): Promise<BroadcastRecipient[]>;
  /** True only for the one caller that records this customer for this incident first. */
  claim(incidentId: string, recipient: Pick<BroadcastRecipient, 'phone' | 'requestId'>, at: Date): Promise<boolean>;
  markSent(incidentId: string, phone: string, at: Date): Promise<void>;
}
