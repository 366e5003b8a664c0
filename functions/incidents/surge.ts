// Surge mode from the console or the live view: an operator raises intake concurrency and database capacity to a
// weather level's for N hours, with a reason. Weather scaling applies it (at once when it can be asked to run now, else
// at its next run) and never lowers capacity under it; it ends by itself, and its start and end are on every open
// incident's timeline.
import { Conflict } from '#shared/domain/errors.js';
import { activeSurge, startSurge, type Surge, type SurgeLevel } from '#shared/domain/surge.js';
import type { Clock } from '#shared/ports/clock.js';
import type { IncidentStore } from '#shared/ports/incidents.js';
import type { Log } from '#shared/ports/logger.js';
import type { SurgeStore } from '#shared/ports/surge.js';
import { noteOnOpenIncidents } from './respond.js';

export interface SurgeDeps {
  surges: SurgeStore;
  incidents: IncidentStore;
  clock: Clock;
  log: Log;
  /** Asks weather scaling to run now (absent: its next scheduled run applies the surge). */
  rescale?: () => Promise<void>;
}

export interface SurgeAnswer {
  surge: Surge;
  /** What happened to capacity: weather scaling asked to run now, or left to its next run (and why). */
  capacity: string;
  /** Incidents whose timeline records it. */
  recordedOn: string[];
}

const describe = (s: Surge) => `surge mode (${s.level} capacity) until ${s.until}: ${s.reason}`;

async function rescale(deps: SurgeDeps): Promise<string> {
  if (!deps.rescale) return 'weather scaling applies it at its next run';
  try {
    await deps.rescale();
    return 'weather scaling asked to apply it now';
  } catch (error) {
    deps.log.warn('weather scaling could not be started for the surge', { error });
    return `weather scaling could not be started now (${error instanceof Error ? error.message : String(error)}); its next run applies it`;
  }
}

export async function beginSurge(
  deps: SurgeDeps,
  input: { hours: number; reason: string; level?: SurgeLevel },
  by: string,
): Promise<SurgeAnswer> {
  const now = deps.clock.now();
  const replaced = activeSurge(await deps.surges.latest(), now);
  const surge = startSurge({ ...input, by }, now);
  await deps.surges.save(surge);
  const recordedOn = await noteOnOpenIncidents(
    deps,
    by,
    'surge',
    `${replaced ? 'surge mode replaced: ' : ''}${describe(surge)}`,
  );
  return { surge, capacity: await rescale(deps), recordedOn };
}

export async function endSurge(deps: SurgeDeps, by: string, reason: string): Promise<SurgeAnswer> {
  const now = deps.clock.now();
  const surge = activeSurge(await deps.surges.latest(), now);
  if (!surge) throw new Conflict('No surge is in force: there is nothing to end.');
  const ended = { at: now.toISOString(), by, reason };
  if (!(await deps.surges.markEnded(surge.startedAt, ended)))
    throw new Conflict('The surge changed while this was saved (ended or replaced). Reload and try again.');
  const recordedOn = await noteOnOpenIncidents(deps, by, 'surge', `surge mode ended early: ${reason}`);
  return { surge: { ...surge, ended }, capacity: await rescale(deps), recordedOn };
}

/** The minute tick: a surge past its end is marked ended (once) and recorded; weather scaling then lowers capacity. */
export async function settleSurge(deps: SurgeDeps): Promise<SurgeAnswer | undefined> {
  const now = deps.clock.now();
  const surge = await deps.surges.latest();
  if (!surge || surge.ended || now.getTime() < Date.parse(surge.until)) return undefined;
  const ended = { at: surge.until, by: 'system', reason: 'ended by itself' };
  if (!(await deps.surges.markEnded(surge.startedAt, ended))) return undefined;
  const recordedOn = await noteOnOpenIncidents(deps, 'system', 'surge', `surge mode ended by itself at ${surge.until}`);
  return { surge: { ...surge, ended }, capacity: await rescale(deps), recordedOn };
}
