// Surge mode: an operator's capacity override. For N hours weather scaling sets intake concurrency and database
// capacity to at least the chosen level's, whatever the forecast says, and never lowers them under it; it then ends by
// itself. The weather level itself (what intake's priorities read) is untouched: a surge is capacity, not weather.
import type { WeatherLevel } from './priority.js';
import { levelRank } from './weather.js';

export type SurgeLevel = Exclude<WeatherLevel, 'normal'>;

export interface Surge {
  level: SurgeLevel;
  reason: string;
  by: string;
  startedAt: string;
  until: string;
  /** Set when it ended (by itself at `until`, or by a person first), and recorded on the open incidents' timelines. */
  ended?: { at: string; by: string; reason: string };
}

/** At most half a day: a longer override is a decision to change the fleet's configuration, not a surge. */
export const surgeMaxHours = 12;

export function startSurge(input: { level?: SurgeLevel; hours: number; reason: string; by: string }, now: Date): Surge {
  return {
    level: input.level ?? 'severe',
    reason: input.reason,
    by: input.by,
    startedAt: now.toISOString(),
    until: new Date(now.getTime() + input.hours * 3600_000).toISOString(),
  };
}

/** The surge in force now: started, not past its end, not ended by a person. */
export function activeSurge(surge: Surge | undefined, now: Date): Surge | undefined {
  if (!surge || surge.ended) return undefined;
  return now.getTime() < Date.parse(surge.until) ? surge : undefined;
}

/** What capacity to set: the weather's level, or the surge's where that is higher. */
export function capacityLevel(weather: WeatherLevel, surge: Surge | undefined): WeatherLevel {
  return surge && levelRank(surge.level) > levelRank(weather) ? surge.level : weather;
}
