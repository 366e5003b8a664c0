// PostgreSQL side of the operations live map: open requests as markers (no personal data) and technicians' names.
import type pg from 'pg';
import type { RequestStatus } from '#shared/domain/emergency.js';
import { openStatuses } from '#shared/domain/emergency.js';
import type { LiveMapStore, OpenRequestMarker } from '#shared/ports/live-map.js';
import { guarded } from './pool.js';

interface MarkerRow {
  id: string;
  reference: string;
  status: RequestStatus;
  priority: number;
  latitude: number;
  longitude: number;
  created_at: Date;
  sla_deadline: Date;
  sla_at_risk: boolean;
  eta: Date | null;
  on_site_at: Date | null;
  technician_id: string | null;
}

export class PostgresLiveMap implements LiveMapStore {
  constructor(private readonly pool: pg.Pool) {}

  findOpenRequestMarkers(limit: number): Promise<OpenRequestMarker[]> {
    return guarded('listing open requests for the live map', async () => {
      // Synthetic (is_test) requests are drills and monitoring: never on operations' screen. The statuses are written
      // out so the planner can read the open-queue partial index (migration 0001) rather than every request ever made.
      const { rows } = await this.pool.query<MarkerRow>(
        `SELECT id, reference, status, priority, latitude, longitude, created_at, sla_deadline, sla_at_risk, eta, on_site_at, technician_id
           FROM emergency_requests
          WHERE status IN (${openStatuses.map((s) => `'${s}'`).join(', ')}) AND NOT is_test
          ORDER BY sla_deadline, id
          LIMIT $1`,
        [limit],
      );
      return rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        status: r.status,
        priority: r.priority,
        location: { lat: r.latitude, lon: r.longitude },
        createdAt: r.created_at,
        slaDeadline: r.sla_deadline,
        slaAtRisk: r.sla_at_risk,
        ...(r.eta ? { eta: r.eta } : {}),
        ...(r.on_site_at ? { onSiteAt: r.on_site_at } : {}),
        ...(r.technician_id ? { technicianId: r.technician_id } : {}),
      }));
    });
  }

  findTechnicianNames(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return Promise.resolve(new Map());
    return guarded('reading technicians’ names', async () => {
      const { rows } = await this.pool.query<{ id: string; name: string }>(
        'SELECT id, name FROM technicians WHERE id = ANY($1::text[])',
        [ids],
      );
      return new Map(rows.map((r) => [r.id, r.name]));
    });
  }
}
