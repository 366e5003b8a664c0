// Emergency rows written straight into PostgreSQL at chosen times and statuses, for figures that depend on history.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { RequestStatus } from '#shared/domain/emergency.js';

export interface SeededRequest {
  status: RequestStatus;
  createdAt: string;
  /** Defaults to created + 90 minutes. */
  slaDeadline?: string;
  onSiteAt?: string;
  /** The customer's rating (1–5) and when they gave it. */
  rating?: number;
  ratedAt?: string;
  /** An arrival without proof (closed by an operations override): on site, but not counted by the SLA figures. */
  unverified?: boolean;
  completedAt?: string;
  cancelledAt?: string;
  eta?: string;
  priority?: number;
  isTest?: boolean;
  phone?: string;
  reference?: string;
}

const alphabet = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
let counter = 0;
/** Unique, valid booking references (TH- and six characters of the reference alphabet). */
export function nextReference(): string {
  let n = ++counter;
  let code = '';
  for (let i = 0; i < 6; i++) {
    code = alphabet[n % alphabet.length]! + code;
    n = Math.floor(n / alphabet.length);
  }
  return `TH-${code}`;
}

export async function seedRequest(sql: pg.Pool, r: SeededRequest): Promise<string> {
  const id = randomUUID();
  const created = new Date(r.createdAt);
  const deadline = r.slaDeadline ? new Date(r.slaDeadline) : new Date(created.getTime() + 90 * 60_000);
  await sql.query(
    `INSERT INTO emergency_requests (id, reference, customer_name, phone, latitude, longitude, geohash, vehicle_make_model, issue,
       priority, status, created_at, sla_deadline, on_site_at, arrival_verified_at, completed_by_method, completion_override_reason, completion_override_by,
       completed_at, cancelled_at, eta, tracking_token_hash, is_test)
     VALUES ($1, $2, 'Seeded Customer', $3, 51.5, -0.12, 'gcpvj0', 'Ford Focus', 'puncture', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, repeat('a', 64), $16)`,
    [
      id,
      r.reference ?? nextReference(),
      r.phone ?? '+447700900001',
      r.priority ?? 3,
      r.status,
      created,
      deadline,
      r.onSiteAt ?? null,
      // Seeded arrivals are verified (the van was at the breakdown) unless the case says otherwise.
      r.unverified ? null : (r.onSiteAt ?? null),
      r.completedAt ? (r.unverified ? 'override' : 'code') : null,
      r.completedAt && r.unverified ? 'Seeded override' : null,
      r.completedAt && r.unverified ? 'ops-seed' : null,
      r.completedAt ?? null,
      r.cancelledAt ?? null,
      r.eta ?? null,
      r.isTest ?? false,
    ],
  );
  if (r.rating !== undefined)
    await sql.query('UPDATE emergency_requests SET rating = $2, rated_at = $3 WHERE id = $1', [
      id,
      r.rating,
      r.ratedAt ?? r.completedAt,
    ]);
  return id;
}
