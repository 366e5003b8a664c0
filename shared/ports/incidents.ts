// Incident response's ports: where incidents are kept, and the people and pages they reach.
import type { Incident } from '#shared/domain/incident.js';

/** A stored incident and the version it was read at: every save is conditional on it. */
export interface StoredIncident {
  incident: Incident;
  version: number;
}

export interface IncidentStore {
  /**
   * Opens `draft`, or returns the unresolved incident already open for the same cause (joined): one incident per
   * cause, atomically, however many alarms or collectors race to open it.
   */
  openOrJoin(draft: Incident): Promise<StoredIncident & { joined: boolean }>;
  get(id: string): Promise<StoredIncident | undefined>;
  listOpen(): Promise<StoredIncident[]>;
  /** False when someone saved it since `version` was read (the caller reads again). A resolved one frees its cause. */
  save(incident: Incident, version: number): Promise<boolean>;
}

/** A level of the escalation policy, from configuration: who is paged at it. */
export interface EscalationLevel {
  name: string;
  people: string[];
}

export interface Pager {
  /** Pages a level about an incident; one alert per incident and level (the incident's id is the dedup key). */
  page(incident: Incident, level: number, repeat: boolean): Promise<void>;
  /** Tells the paging service every level's alert is acknowledged, or resolved. */
  settle(incident: Incident, action: 'acknowledge' | 'resolve'): Promise<void>;
}

export interface ChatOps {
  post(text: string): Promise<void>;
}

export interface StatusPage {
  open(incident: Incident): Promise<{ id: string }>;
  update(id: string, incident: Incident, body: string): Promise<void>;
}

/** Texts every customer with an open request about an incident, at most once per notice (incidentBroadcast's rules). */
export interface CustomerNotices {
  /** `areas`: only customers whose breakdown is in one of them (none: every customer with an open request). */
  send(
    noticeId: string,
    kind: 'incident' | 'resolved',
    areas: readonly string[],
  ): Promise<{ recipients: number; sent: number; failed: number }>;
}

export interface DiagnosticsReport {
  verdict: 'healthy' | 'degraded' | 'unhealthy';
  checks: Array<{ name: string; verdict: string; latencyMs?: number; detail?: string }>;
}
