// Weather rules: which forecast hours are dangerous for drivers, per region and nationally, with the demand they bring.
import type { WeatherLevel } from './priority.js';

export const weatherLevels: readonly WeatherLevel[] = ['normal', 'elevated', 'severe'];
export const levelRank = (level: WeatherLevel): number => weatherLevels.indexOf(level);
const higher = (a: WeatherLevel, b: WeatherLevel): WeatherLevel => (levelRank(a) >= levelRank(b) ? a : b);

export interface ServiceRegion {
  name: string;
  lat: number;
  lon: number;
  /** Relative share of breakdown demand; weights are normalised, so they need not sum to 1. */
  demandWeight: number;
}

/** One forecast hour in common units; null where the provider gave no value. */
export interface HourlyWeather {
  at: Date;
  temperatureC: number | null;
  precipitationMm: number | null;
  snowfallCm: number | null;
  windKmh: number | null;
  gustKmh: number | null;
  /** WMO 4677 weather code, as Open-Meteo reports it. */
  weatherCode: number | null;
}

export interface RegionForecast {
  region: string;
  hours: HourlyWeather[];
}

export const codeConditions = ['freezing-rain', 'ice-fog', 'snow', 'thunderstorm'] as const;
export type CodeCondition = (typeof codeConditions)[number];
const measuredConditions = ['freezing', 'heavy-rain', 'snowfall', 'high-wind', 'gusts'] as const;
export type WeatherCondition = (typeof measuredConditions)[number] | CodeCondition;
export const weatherConditions: readonly WeatherCondition[] = [...measuredConditions, ...codeConditions];

export interface WeatherRules {
  lookaheadHours: number;
  /** Below this minimum temperature roads may ice. */
  freezingBelowC: number;
  heavyRainMmPerHour: number;
  snowfallCm: number;
  windKmh: number;
  gustKmh: number;
  codes: Record<CodeCondition, number[]>;
  /** Conditions that make a region severe on their own; every other condition makes it elevated. */
  severeConditions: WeatherCondition[];
  /** Expected breakdown demand relative to a normal day, by region level. */
  demandMultiplier: Record<Exclude<WeatherLevel, 'normal'>, number>;
  /** National demand multiplier from which the national level is elevated / severe. */
  nationalLevelAt: Record<Exclude<WeatherLevel, 'normal'>, number>;
}

export interface WeatherReason {
  condition: WeatherCondition;
  /** First hour in the window with this condition. */
  from: Date;
  /** Worst value over the window (lowest temperature, highest rain/snow/wind), or the WMO code first seen. */
  value: number;
  /** The configured threshold it crossed; absent for weather codes. */
  threshold?: number;
}

export interface RegionAssessment {
  region: string;
  level: WeatherLevel;
  reasons: WeatherReason[];
  /** Hours of forecast inside the window; 0 means the provider left this region out. */
  hoursConsidered: number;
}

export interface WeatherAssessment {
  level: WeatherLevel;
  /** Expected national demand relative to a normal day (demand-weighted over regions). */
  demandMultiplier: number;
  regions: RegionAssessment[];
  /** Minutes from now until the first bad hour in a region at (or above) the national level; undefined when normal. */
  leadMinutes?: number;
  /** Regions with no forecast hour inside the window. */
  missing: string[];
}

interface Hit {
  condition: WeatherCondition;
  value: number;
  threshold?: number;
}

/** Which conditions one forecast hour meets. Thresholds are strict: exactly 0 °C or exactly 10 mm is not a hit. */
export function conditionsAt(hour: HourlyWeather, rules: WeatherRules): Hit[] {
  const hits: Hit[] = [];
  if (hour.temperatureC !== null && hour.temperatureC < rules.freezingBelowC)
    hits.push({ condition: 'freezing', value: hour.temperatureC, threshold: rules.freezingBelowC });
  if (hour.precipitationMm !== null && hour.precipitationMm > rules.heavyRainMmPerHour)
    hits.push({ condition: 'heavy-rain', value: hour.precipitationMm, threshold: rules.heavyRainMmPerHour });
  if (hour.snowfallCm !== null && hour.snowfallCm > rules.snowfallCm)
    hits.push({ condition: 'snowfall', value: hour.snowfallCm, threshold: rules.snowfallCm });
  if (hour.windKmh !== null && hour.windKmh > rules.windKmh)
    hits.push({ condition: 'high-wind', value: hour.windKmh, threshold: rules.windKmh });
  // A gust pushes a high-sided van or a car on a fresh spare off line even when the mean wind is moderate.
  if (hour.gustKmh !== null && hour.gustKmh > rules.gustKmh)
    hits.push({ condition: 'gusts', value: hour.gustKmh, threshold: rules.gustKmh });
  if (hour.weatherCode !== null) {
    for (const condition of codeConditions) {
      if (rules.codes[condition].includes(hour.weatherCode)) hits.push({ condition, value: hour.weatherCode });
    }
  }
  return hits;
}

/** One forecast hour's level: severe on any severe condition, elevated on any other, normal on none. */
export function levelOfHour(hour: HourlyWeather, rules: WeatherRules): WeatherLevel {
  const hits = conditionsAt(hour, rules);
  if (hits.some((h) => rules.severeConditions.includes(h.condition))) return 'severe';
  return hits.length > 0 ? 'elevated' : 'normal';
}

const worse = (condition: WeatherCondition, a: number, b: number): number => {
  if (condition === 'freezing') return Math.min(a, b);
  if ((codeConditions as readonly string[]).includes(condition)) return a;
  return Math.max(a, b);
};

/** The hours from the start of the current hour up to `lookaheadHours` ahead of now. */
function inWindow(at: Date, now: Date, lookaheadHours: number): boolean {
  const hourStart = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  return at.getTime() >= hourStart && at.getTime() < now.getTime() + lookaheadHours * 3_600_000;
}

export function assessRegion(forecast: RegionForecast, now: Date, rules: WeatherRules): RegionAssessment {
  const reasons = new Map<WeatherCondition, WeatherReason>();
  let hoursConsidered = 0;
  const hours = [...forecast.hours].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const hour of hours) {
    if (!inWindow(hour.at, now, rules.lookaheadHours)) continue;
    hoursConsidered++;
    for (const hit of conditionsAt(hour, rules)) {
      const seen = reasons.get(hit.condition);
      if (seen) seen.value = worse(hit.condition, seen.value, hit.value);
      else
        reasons.set(hit.condition, {
          condition: hit.condition,
          from: hour.at,
          value: hit.value,
          ...(hit.threshold === undefined ? {} : { threshold: hit.threshold }),
        });
    }
  }
  const list = weatherConditions.flatMap((c) => (reasons.has(c) ? [reasons.get(c)!] : []));
  const level = list.reduce<WeatherLevel>(
    (l, r) => higher(l, rules.severeConditions.includes(r.condition) ? 'severe' : 'elevated'),
    'normal',
  );
  return { region: forecast.region, level, reasons: list, hoursConsidered };
}

/**
 * The national level drives national capacity: it follows the demand-weighted multiplier, but is never worse than the
 * worst region (freezing everywhere doubles demand, yet is not a snowstorm anywhere).
 */
export function assessForecast(
  regions: ServiceRegion[],
  forecasts: RegionForecast[],
  now: Date,
  rules: WeatherRules,
): WeatherAssessment {
  const byRegion = new Map(forecasts.map((f) => [f.region, f]));
  const assessed = regions.map((r) => assessRegion(byRegion.get(r.name) ?? { region: r.name, hours: [] }, now, rules));
  const missing = assessed.filter((a) => a.hoursConsidered === 0).map((a) => a.region);
  const totalWeight = regions.reduce((sum, r) => sum + r.demandWeight, 0);
  const multiplierOf = (level: WeatherLevel) => (level === 'normal' ? 1 : rules.demandMultiplier[level]);
  const weighted = regions.reduce((sum, r, i) => sum + r.demandWeight * multiplierOf(assessed[i]!.level), 0);
  const demandMultiplier = totalWeight > 0 ? Math.round((weighted / totalWeight) * 100) / 100 : 1;
  const worstRegion = assessed.reduce<WeatherLevel>((l, a) => higher(l, a.level), 'normal');
  const byDemand: WeatherLevel =
    demandMultiplier >= rules.nationalLevelAt.severe
      ? 'severe'
      : demandMultiplier >= rules.nationalLevelAt.elevated
        ? 'elevated'
        : 'normal';
  const level = levelRank(byDemand) <= levelRank(worstRegion) ? byDemand : worstRegion;
  // Lead time to the weather that set the national level: a frost in one region must not shorten a snowstorm's.
  const firstBad = assessed
    .filter((a) => levelRank(a.level) >= levelRank(level))
    .flatMap((a) => a.reasons.map((r) => r.from.getTime()));
  const leadMinutes =
    level === 'normal' || firstBad.length === 0
      ? undefined
      : Math.max(0, Math.round((Math.min(...firstBad) - now.getTime()) / 60_000));
  return { level, demandMultiplier, regions: assessed, ...(leadMinutes === undefined ? {} : { leadMinutes }), missing };
}

const units: Record<WeatherCondition, string> = {
  freezing: '°C',
  'heavy-rain': ' mm/h',
  snowfall: ' cm',
  'high-wind': ' km/h',
  gusts: ' km/h gusts',
  'freezing-rain': '',
  'ice-fog': '',
  snow: '',
  thunderstorm: '',
};

/** "snowfall 2.4 cm", "freezing-rain (WMO 66)": for people reading an alert. */
export function describeReason(reason: WeatherReason): string {
  return reason.threshold === undefined
    ? `${reason.condition} (WMO ${reason.value})`
    : `${reason.condition} ${Math.round(reason.value * 10) / 10}${units[reason.condition]}`;
}
