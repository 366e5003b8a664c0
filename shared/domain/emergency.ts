// The emergency request as the business sees it: its vocabulary and lifecycle states.

export const tyreIssues = [
  'puncture',
  'flat',
  'blowout',
  'damaged_wheel',
  'valve',
  'locking_wheel_nut',
  'other',
] as const;
export type TyreIssue = (typeof tyreIssues)[number];

export const requestStatuses = ['pending', 'assigned', 'en_route', 'on_site', 'completed', 'cancelled'] as const;
export type RequestStatus = (typeof requestStatuses)[number];

export const openStatuses: readonly RequestStatus[] = ['pending', 'assigned', 'en_route', 'on_site'];

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface NewEmergency {
  id: string;
  reference: string;
  customerName: string;
  phone: string;
  location: GeoPoint;
  geohash: string;
  address?: string;
  postcode?: string;
  vehicleMakeModel: string;
  vehicleRegistration?: string;
  issue: TyreIssue;
  onMotorway: boolean;
  vulnerableOccupants: boolean;
  notes?: string;
  priority: number;
  createdAt: Date;
  slaDeadline: Date;
  trackingTokenHash: string;
  isTest: boolean;
  /** Sent with an Idempotency-Key: what a retry with the same key is matched and checked by (ports/request-store.ts). */
  idempotency?: IdempotencyMark;
}

export interface IdempotencyMark {
  /** SHA-256 of the key: the key itself is the client's and never stored. */
  keyHash: string;
  /** SHA-256 of the request as validated: the same key with a different request is refused. */
  fingerprint: string;
  /** When the attempt that stored it stops running (its invocation's deadline): until then a retry is told to wait. */
  answerDueBy: Date;
}

export interface EmergencyRequest extends NewEmergency {
  status: RequestStatus;
  technicianId?: string;
  assignedAt?: Date;
  enRouteAt?: Date;
  onSiteAt?: Date;
  completedAt?: Date;
  cancelledAt?: Date;
  acceptedAt?: Date;
  eta?: Date;
  declinedBy: string[];
  slaAtRisk: boolean;
  /** Shown only to the customer (tracking token); the technician must get it from them to complete the job. */
  arrivalCode?: string;
  /** Metres from the van to the breakdown when "arrived" was accepted. */
  arrivalDistanceMeters?: number;
  /** On-site time backed by the van's position and not overridden at completion: the only arrivals the SLA figures count. */
  arrivalVerifiedAt?: Date;
  arrivalCodeFailures?: number;
  completedByMethod?: 'code' | 'override';
  /** The customer's rating of the completed job (1–5), once. */
  rating?: number;
  ratingComment?: string;
  ratedAt?: Date;
}

export function slaDeadlineFor(createdAt: Date, slaMinutes: number): Date {
  return new Date(createdAt.getTime() + slaMinutes * 60_000);
}

/** Ofcom reserves +44 7700 900000–900999 for drama: no real customer can have one, so only these may be marked as tests. */
export function isFictionalUkNumber(e164: string): boolean {
  return /^\+447700900\d{3}$/.test(e164);
}
