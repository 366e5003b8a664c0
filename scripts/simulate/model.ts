// The storm day's world, drawn from a seed: weather per region and hour, breakdowns per hour and area, and the fleet.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GeoPoint, TyreIssue } from '#shared/domain/emergency.js';
import type { WeatherLevel } from '#shared/domain/priority.js';
import { isInServiceArea } from '#shared/domain/service-area.js';
import { levelOfHour, type HourlyWeather, type RegionForecast, type WeatherRules } from '#shared/domain/weather.js';
import { hourlyDemandShape, vansNeeded } from '#shared/domain/fleet-needs.js';
import { seededRandom } from '../bench/dataset.js';

export { seededRandom };
export type Random = () => number;

/** A simulated region: where its breakdowns and its vans are, and its share of a calm day's calls. */
export interface SimRegion {
  name: string;
  centre: GeoPoint;
  /** Breakdowns on a calm day. */
  callsPerDay: number;
}

/**
 * The service's hourly shape (share of a day's calls per UK hour, summing to 1): the school run and the evening
 * commute, a trough from 01:00 to 05:00. Drawn from the shape of UK roadside-assistance call volumes; it is the
 * shape that matters here, not the level.
 */
/** The service's hourly shape, as weather scaling forecasts from it (shared/domain/fleet-needs.ts). */
export const hourlyShape = hourlyDemandShape;

/** Issue mix and safety flags of calls (intake then computes the priority exactly as it does for a real call). */
export const issueMix: readonly [TyreIssue, number][] = [
  ['puncture', 0.34],
  ['flat', 0.24],
  ['blowout', 0.1],
  ['damaged_wheel', 0.1],
  ['valve', 0.08],
  ['locking_wheel_nut', 0.07],
  ['other', 0.07],
];
export const motorwayShare = 0.22;
export const vulnerableShare = 0.1;

/** Shifts (UK hours; the night shift runs to 06:00 the next day, and the night before's crew works until 06:00). */
export const shifts = [
  { start: -2, end: 6 },
  { start: 6, end: 14 },
  { start: 14, end: 22 },
  { start: 22, end: 30 },
] as const;

export interface WeatherFixture {
  /** The day simulated (UTC midnight; a winter day, so UK time is UTC). */
  day: string;
  /** Per region, the hours (0–23) with weather other than a mild dry default, in HourlyWeather's units. */
  regions: Record<string, { hours: number[]; weather: Partial<Omit<HourlyWeather, 'at'>> }[]>;
}

export function loadWeatherFixture(file: string): WeatherFixture {
  return JSON.parse(readFileSync(path.resolve(file), 'utf8')) as WeatherFixture;
}

const mild: Omit<HourlyWeather, 'at'> = {
  temperatureC: 6,
  precipitationMm: 0,
  snowfallCm: 0,
  windKmh: 15,
  gustKmh: 25,
  weatherCode: 3,
};

/** The fixture as hourly forecasts for a span of hours from `dayStart` (what weather scaling's provider returns). */
export function forecastsFrom(
  fixture: WeatherFixture | undefined,
  regions: readonly string[],
  dayStart: Date,
  hours = 30,
): RegionForecast[] {
  return regions.map((region) => ({
    region,
    hours: Array.from({ length: hours }, (_, h) => {
      const special = fixture?.regions[region]?.find((w) => w.hours.includes(h % 24));
      return { at: new Date(dayStart.getTime() + h * 3_600_000), ...mild, ...(special?.weather ?? {}) };
    }),
  }));
}

/** Each region's level at each hour of the day, by weather scaling's own rules. */
export function levelsByHour(forecasts: RegionForecast[], rules: WeatherRules): Map<string, WeatherLevel[]> {
  return new Map(
    forecasts.map((f) => [
      f.region,
      f.hours.slice(0, 24).map((hour) => {
        return levelOfHour(hour, rules);
      }),
    ]),
  );
}

export interface Breakdown {
  seq: number;
  region: string;
  at: Date;
  location: GeoPoint;
  issue: TyreIssue;
  onMotorway: boolean;
  vulnerableOccupants: boolean;
  /** Minutes the repair takes once on site (hindsight: the bound knows it, the dispatcher does not). */
  onSiteMinutes: number;
}

function gaussian(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function poisson(random: Random, mean: number): number {
  // Knuth's method is fine for the means here (a region's calls in one hour).
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** A point around a centre as breakdowns (and vans) spread: most in town (σ 5 km), the rest on its roads (σ 20 km). */
export function pointAround(random: Random, centre: GeoPoint, urbanShare = 0.7): GeoPoint {
  for (;;) {
    const sigmaKm = random() < urbanShare ? 5 : 20;
    const lat = centre.lat + (gaussian(random) * sigmaKm) / 111.2;
    const lon = centre.lon + (gaussian(random) * sigmaKm) / (111.2 * Math.cos((centre.lat * Math.PI) / 180));
    const point = { lat: Math.round(lat * 1e5) / 1e5, lon: Math.round(lon * 1e5) / 1e5 };
    if (isInServiceArea(point)) return point;
  }
}

/** On-site minutes: a lognormal around 35 minutes (a wheel change is 20–30, a fitted tyre 45–60). */
export function onSiteMinutes(random: Random): number {
  return Math.max(10, Math.round(Math.exp(Math.log(32) + 0.35 * gaussian(random))));
}

function pick<T>(random: Random, mix: readonly [T, number][]): T {
  let r = random();
  for (const [value, share] of mix) {
    if (r < share) return value;
    r -= share;
  }
  return mix[mix.length - 1]![0];
}

/**
 * The day's breakdowns, hour by hour and region by region: a Poisson number of calls at the hourly shape, times the
 * weather's demand multiplier (rules.demandMultiplier) in the hours a region is elevated or severe.
 */
export function breakdowns(
  seed: number,
  regions: readonly SimRegion[],
  dayStart: Date,
  hours: { from: number; to: number },
  levels: Map<string, WeatherLevel[]> | undefined,
  multiplier: Record<Exclude<WeatherLevel, 'normal'>, number>,
): Breakdown[] {
  const random = seededRandom(seed);
  const out: Breakdown[] = [];
  for (let hour = hours.from; hour < hours.to; hour++) {
    for (const region of regions) {
      const level = levels?.get(region.name)?.[hour] ?? 'normal';
      const mean = region.callsPerDay * hourlyShape[hour]! * (level === 'normal' ? 1 : multiplier[level]);
      const calls = poisson(random, mean);
      for (let i = 0; i < calls; i++) {
        out.push({
          seq: 0,
          region: region.name,
          at: new Date(dayStart.getTime() + (hour + random()) * 3_600_000),
          location: pointAround(random, region.centre),
          issue: pick(random, issueMix),
          onMotorway: random() < motorwayShare,
          vulnerableOccupants: random() < vulnerableShare,
          onSiteMinutes: onSiteMinutes(random),
        });
      }
    }
  }
  out.sort((a, b) => a.at.getTime() - b.at.getTime());
  out.forEach((b, i) => (b.seq = i));
  return out;
}

export interface SimTechnician {
  id: string;
  region: string;
  home: GeoPoint;
  /** UK hours from day start; may run past 24 (a night shift). */
  shiftStart: number;
  shiftEnd: number;
  /** Minutes into the shift a 30-minute break is due (taken once free). */
  breakAfterMinutes: number;
  /** Goes silent (the van app stops reporting) for `silentMinutes` from this many minutes into the shift, if set. */
  silentAfterMinutes?: number;
  silentMinutes: number;
  /** Called in ahead of the storm by pre-scaling (an extra van for the hours it was asked for). */
  calledIn?: boolean;
}

/**
 * Each region's roster: on each shift, the vans a calm day needs at that shift's busiest hour (vansNeeded, the rule
 * pre-scaling uses), so the rota covers a normal day and only the weather's extra is pre-scaling's to find. Home bases
 * around the region's centre; about 1 in 20 goes silent once.
 */
export function fleet(seed: number, regions: readonly SimRegion[]): SimTechnician[] {
  const random = seededRandom(seed);
  const out: SimTechnician[] = [];
  for (const region of regions) {
    let n = 0;
    for (const shift of shifts) {
      const hours = Array.from({ length: shift.end - shift.start }, (_, i) => (shift.start + i + 24) % 24);
      const count = Math.max(1, ...hours.map((h) => vansNeeded(region.callsPerDay * hourlyShape[h]!)));
      for (let i = 0; i < count; i++) out.push(technician(random, region, n++, shift.start, shift.end));
    }
  }
  return out;
}

export function technician(
  random: Random,
  region: SimRegion,
  n: number,
  shiftStart: number,
  shiftEnd: number,
  calledIn = false,
): SimTechnician {
  const minutes = (shiftEnd - shiftStart) * 60;
  const silent = random() < 0.05;
  return {
    id: `sim-${region.name.toLowerCase().replace(/\W+/g, '-')}-${calledIn ? 'x' : ''}${String(n).padStart(3, '0')}`,
    region: region.name,
    home: pointAround(random, region.centre, 0.5),
    shiftStart,
    shiftEnd,
    breakAfterMinutes: Math.round(minutes * (0.4 + 0.2 * random())),
    ...(silent ? { silentAfterMinutes: Math.round(minutes * random() * 0.8) } : {}),
    silentMinutes: 20 + Math.round(random() * 40),
    ...(calledIn ? { calledIn } : {}),
  };
}
