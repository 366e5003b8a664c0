// Who is calling, once their token is verified (shared/http/auth.ts), and the two rules every staff route applies.
import { Forbidden } from './errors.js';

export type Role = 'technicians' | 'operations';

export interface Principal {
  subject: string;
  groups: string[];
}

export function requireRole(principal: Principal, role: Role): void {
  if (!principal.groups.includes(role)) throw new Forbidden(`This needs the ${role} role.`);
}

/** Technicians may act only as themselves. */
export function requireSelf(principal: Principal, technicianId: string): void {
  if (principal.subject !== technicianId) throw new Forbidden('You can only act for your own technician account.');
}
