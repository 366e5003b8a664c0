// Pre-scaling the fleet: how many vans a region needs on the road for the calls forecast in each hour.
import type { WeatherLevel } from './priority.js';
import { ukOffsetMinutes } from './uk-day.js';

export interface FleetNeedSettings {
  /** A job's van time: accepting, mobilising, driving and the repair (the simulation measures about 70 minutes). */
  minutesPerJob: number;
  /**
   * The share of a van's time that can be planned as busy: above about 0.7 queues grow quickly (any M/M/c queue), and
   * the promise is 90 minutes, not "eventually".
   */
  targetUtilisation: number;
}

export const defaultFleetNeedSettings: FleetNeedSettings = { minutesPerJob: 70, targetUtilisation: 0.7 };

/** Vans a region needs on the road in an hour in which `callsPerHour` calls are expected. */
export function vansNeeded(callsPerHour: number, settings: FleetNeedSettings = defaultFleetNeedSettings): number {
  if (!(callsPerHour > 0)) return 0;
  // Rounded first: 6 × 70 ÷ 60 ÷ 0.7 is 10.000000000000002 in floating point, and is 10 vans.
  return Math.ceil(Math.round(((callsPerHour * settings.minutesPerJob) / 60 / settings.targetUtilisation) * 1e6) / 1e6);
}

export interface FleetShortfall {
  /** Extra vans needed at the worst hour of the run of hours short. */
  more: number;
  /** First and last hour (0-based from the forecast's start) in which the roster falls short. */
  fromHour: number;
  toHour: number;
}

/**
 * Where forecast calls need more vans than are rostered: the first run of hours short, and the most extra vans any of
 * those hours needs (calling in fewer would leave its worst hour short). Undefined when the roster covers every hour.
 */
export function fleetShortfall(
  forecastCalls: readonly number[],
  rostered: readonly number[],
  settings: FleetNeedSettings = defaultFleetNeedSettings,
): FleetShortfall | undefined {
  let run: FleetShortfall | undefined;
  for (let hour = 0; hour < forecastCalls.length; hour++) {
    const short = vansNeeded(forecastCalls[hour]!, settings) - (rostered[hour] ?? 0);
    if (short > 0) {
      run = run
        ? { ...run, more: Math.max(run.more, short), toHour: hour }
        : { more: short, fromHour: hour, toHour: hour };
    } else if (run) break;
  }
  return run;
}

/** The operations alert, as the live view shows it: "Leeds needs 14 more vans from 16:00". */
export function describeShortfall(region: string, shortfall: FleetShortfall, from: Date): string {
  const at = new Date(from.getTime() + shortfall.fromHour * 3_600_000);
  const hh = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return `${region} needs ${shortfall.more} more ${shortfall.more === 1 ? 'van' : 'vans'} from ${hh}`;
}

/**
 * The share of a calm day's calls in each UK hour (0–23): the morning and evening peaks, a trough from 01:00 to 05:00.
 * The simulation draws its calls from it, and weather scaling forecasts from it.
 */
export const hourlyDemandShape: readonly number[] = (() => {
  const raw = [
    1.2, 0.8, 0.6, 0.5, 0.6, 1.2, 2.8, 5.2, 6.4, 5.6, 5.2, 5.2, 5.4, 5.4, 5.6, 6.0, 6.8, 7.2, 6.4, 4.8, 3.6, 2.8, 2.2,
    1.6,
  ];
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / sum);
})();

/** The UK local hour (0–23) an instant falls in. */
export const ukHourOf = (at: Date) => new Date(at.getTime() + ukOffsetMinutes(at) * 60_000).getUTCHours();

/** A region's expected calls in each forecast hour: its calm-day calls in that UK hour, times the weather's multiplier. */
export function forecastCalls(
  callsPerDay: number,
  hours: readonly { at: Date; level: WeatherLevel }[],
  multiplier: Record<Exclude<WeatherLevel, 'normal'>, number>,
): number[] {
  return hours.map(
    ({ at, level }) => callsPerDay * hourlyDemandShape[ukHourOf(at)]! * (level === 'normal' ? 1 : multiplier[level]),
  );
}

export interface RegionFleetNeed {
  region: string;
  /** Vans on shift in the first hour (the roster, or the fleet not offline now). */
  onShift: number;
  /** Vans needed in each forecast hour, from the first. */
  needed: number[];
  /** The first run of hours the weather leaves short, if any: how many more vans, from and to (top of the hour). */
  shortfall?: { more: number; from: Date; to: Date };
  /** The operations alert: "Leeds needs 14 more vans from 16:00". */
  alert?: string;
}

/**
 * What pre-scaling asks of one region, the same for weather scaling and the simulation: vans needed per forecast hour
 * against those on shift, and the first run of bad-weather hours short. Only those hours count: a fleet short in a
 * calm hour is a rota problem, not pre-scaling's, and must not move the alert's "from".
 */
export function regionFleetNeed(
  region: string,
  hours: readonly { at: Date; level: WeatherLevel; calls: number }[],
  onShift: readonly number[],
  settings: FleetNeedSettings = defaultFleetNeedSettings,
): RegionFleetNeed {
  const shortfall = fleetShortfall(
    hours.map((h) => (h.level === 'normal' ? 0 : h.calls)),
    onShift,
    settings,
  );
  const start = hours[0]?.at ?? new Date(0);
  return {
    region,
    onShift: onShift[0] ?? 0,
    needed: hours.map((h) => vansNeeded(h.calls, settings)),
    ...(shortfall
      ? {
          shortfall: {
            more: shortfall.more,
            from: hours[shortfall.fromHour]!.at,
            to: new Date(hours[shortfall.toHour]!.at.getTime() + 3_600_000),
          },
          alert: describeShortfall(region, shortfall, start),
        }
      : {}),
  };
}
