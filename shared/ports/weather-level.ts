// The current weather alert level that weather scaling maintains.
import type { WeatherLevel } from '../domain/priority.js';

export interface WeatherLevelReader {
  /** 'normal' when no state has been recorded yet. */
  currentLevel(): Promise<WeatherLevel>;
}
