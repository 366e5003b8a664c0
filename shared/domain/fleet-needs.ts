// Pre-scaling the fleet: how many vans a region needs on the road for the calls forecast in each hour.

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
