// Weather scaling's settings (README, "Weather scaling"): the forecast source, the rules, the policy and what it scales.
import * as z from 'zod';
import {
  concern,
  field,
  text,
  optionalText,
  int,
  positive,
  finite,
  oneOf,
  list,
  json,
  at,
} from '#shared/config/concern.js';
import {
  codeConditions,
  weatherConditions,
  type ServiceRegion,
  type WeatherCondition,
} from '#shared/domain/weather.js';

/** Where demand comes from; weights are rough shares of breakdown calls, to be tuned from intake data. */
const defaultRegions: ServiceRegion[] = [
  { name: 'London', lat: 51.5074, lon: -0.1278, demandWeight: 22 },
  { name: 'South East', lat: 51.2704, lon: 0.5227, demandWeight: 18 },
  { name: 'Birmingham', lat: 52.4862, lon: -1.8904, demandWeight: 10 },
  { name: 'Manchester', lat: 53.4808, lon: -2.2426, demandWeight: 10 },
  { name: 'Leeds', lat: 53.8008, lon: -1.5491, demandWeight: 8 },
  { name: 'Newcastle', lat: 54.9783, lon: -1.6178, demandWeight: 5 },
  { name: 'Glasgow', lat: 55.8642, lon: -4.2518, demandWeight: 7 },
  { name: 'Edinburgh', lat: 55.9533, lon: -3.1883, demandWeight: 5 },
  { name: 'Cardiff', lat: 51.4816, lon: -3.1791, demandWeight: 5 },
  { name: 'Bristol', lat: 51.4545, lon: -2.5879, demandWeight: 6 },
];

/** WMO 4677 codes: freezing drizzle/rain, rime (ice) fog, snow fall/grains/showers, thunderstorm. */
const defaultCodes: Record<(typeof codeConditions)[number], number[]> = {
  'freezing-rain': [56, 57, 66, 67],
  'ice-fog': [48],
  snow: [71, 72, 73, 74, 75, 76, 77, 85, 86],
  thunderstorm: [95, 96, 97, 98, 99],
};

const level3 = <T extends z.ZodType>(value: T) => z.object({ normal: value, elevated: value, severe: value });
const regionsSchema = z
  .array(
    z.object({
      name: z.string().min(1),
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
      demandWeight: z.number().positive(),
    }),
  )
  .min(1);
const codesSchema = z.object(
  Object.fromEntries(codeConditions.map((c) => [c, z.array(z.number().int())])) as Record<
    (typeof codeConditions)[number],
    z.ZodArray<z.ZodNumber>
  >,
);
const targetName = z.string().regex(/^[A-Za-z0-9_-]+$/);
const targetsSchema = z
  .array(
    z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('provisioned-concurrency'),
        name: targetName,
        functionName: z.string().min(1),
        alias: z.string().min(1),
        capacity: level3(
          z
            .object({ min: z.number().int().min(0), max: z.number().int().min(1) })
            .refine((r) => r.min <= r.max, 'min must not exceed max'),
        ),
      }),
      z.object({
        kind: z.literal('aurora-min-acu'),
        name: targetName,
        clusterId: z.string().min(1),
        maxAcu: z.number().positive(),
        minAcu: level3(z.number().min(0)),
      }),
    ]),
  )
  .refine((targets) => new Set(targets.map((t) => t.name)).size === targets.length, 'target names must be unique');
const conditionList = list.refine(
  (names) => names.every((c) => (weatherConditions as readonly string[]).includes(c)),
  `must name known conditions only (${weatherConditions.join(', ')})`,
);

export const weatherConcern = concern(
  'weather',
  {
    WEATHER_PROVIDER: field(
      oneOf(['open-meteo', 'met-office', 'fixture']),
      "Forecast source for weather scaling: 'open-meteo', 'met-office' (DataHub site-specific) or 'fixture' (a local JSON file in Open-Meteo's shape).",
      'fixture',
    ),
    WEATHER_API_HOST: field(
      optionalText,
      'Forecast API host; defaults to api.open-meteo.com or data.hub.api.metoffice.gov.uk. Commercial Open-Meteo: customer-api.open-meteo.com.',
    ),
    WEATHER_API_KEY_PARAMETER: field(
      z
        .string()
        .regex(/^(ssm:\/.+|secretsmanager:.+)$/, "must look like 'ssm:/name' or 'secretsmanager:name'")
        .optional(),
      "Where the forecast API key is kept: 'ssm:/name' (SecureString) or 'secretsmanager:name'. Read through Powertools Parameters, cached 5 minutes.",
    ),
    WEATHER_FIXTURE_FILE: field(
      text,
      "Forecast file the 'fixture' provider serves, re-based so its first hour is the current hour.",
      'tests/fixtures/weather/open-meteo/snow-london-south-east.json',
    ),
    WEATHER_TIMEOUT_MS: field(int(1), 'Timeout of each forecast request.', '5000'),
    WEATHER_MAX_ATTEMPTS: field(
      int(1),
      'Forecast requests per run before giving up (timeouts, 429 and 5xx are retried).',
      '3',
    ),
    WEATHER_RETRY_BASE_MS: field(int(), 'First retry delay; each later retry waits twice as long.', '500'),
    WEATHER_REGIONS: field(
      json(regionsSchema),
      'Service regions as JSON: [{name, lat, lon, demandWeight}]; weights are relative.',
      JSON.stringify(defaultRegions),
    ),
    WEATHER_LOOKAHEAD_HOURS: field(int(1), 'How far ahead the rules look, from the start of the current hour.', '6'),
    WEATHER_FREEZING_BELOW_C: field(finite, 'An hour with a temperature below this (°C) is freezing (elevated).', '0'),
    WEATHER_HEAVY_RAIN_MM: field(
      positive,
      'An hour with more precipitation than this (mm) is heavy rain (elevated).',
      '10',
    ),
    WEATHER_SNOWFALL_CM: field(finite, 'An hour with more snowfall than this (cm) is snowfall (severe).', '1'),
    WEATHER_WIND_KMH: field(positive, 'Mean 10 m wind above this (km/h) is high wind (elevated).', '50'),
    WEATHER_GUST_KMH: field(positive, 'Gusts above this (km/h, about 50 mph) count as wind too (elevated).', '80'),
    WEATHER_CODES: field(
      json(codesSchema),
      'WMO weather codes per condition, as JSON: freezing-rain, ice-fog, snow, thunderstorm.',
      JSON.stringify(defaultCodes),
    ),
    WEATHER_SEVERE_CONDITIONS: field(
      conditionList,
      'Conditions that make a region severe on their own (comma-separated); the others make it elevated.',
      'snowfall,freezing-rain',
    ),
    WEATHER_DEMAND_ELEVATED: field(positive, 'Breakdown demand in an elevated region, relative to normal.', '2'),
    WEATHER_DEMAND_SEVERE: field(
      positive,
      'Breakdown demand in a severe region, relative to normal (winter weather brings 3–5×).',
      '4',
    ),
    WEATHER_CALLS_PER_DAY: field(
      positive,
      "A calm day's calls nationally, spread over the regions by their demand weight and over the day by the service's hourly shape: what the vans each region needs are worked out from (shared/domain/fleet-needs.ts; the storm-day simulation's Leeds and Manchester are 60 and 70 of 700).",
      '700',
    ),
    WEATHER_NATIONAL_ELEVATED_AT: field(
      positive,
      'National (demand-weighted) multiplier from which the national level is elevated.',
      '1.2',
    ),
    WEATHER_NATIONAL_SEVERE_AT: field(
      positive,
      'National multiplier from which the national level is severe (if some region is severe).',
      '1.8',
    ),
    WEATHER_CLEAR_RUNS_TO_SCALE_DOWN: field(
      int(1),
      'Consecutive runs with a forecast below the current level before stepping down one level.',
      '4',
    ),
    WEATHER_SCALE_DOWN_COOLDOWN_MINUTES: field(int(), 'No step down within this long after the last scale-up.', '180'),
    WEATHER_FAILURE_ALERT_AFTER: field(
      int(1),
      'Operations are alerted when this many runs in a row had no forecast.',
      '3',
    ),
    WEATHER_RUN_LEASE_SECONDS: field(
      int(1),
      'How long a run holds the scaling state; longer than the function timeout, so a crashed run cannot block for good.',
      '300',
    ),
    WEATHER_SCALING_TARGETS: field(
      json(targetsSchema),
      'What weather scaling changes, as JSON (see README, Weather scaling): provisioned concurrency per function alias, Aurora min ACU.',
      '[]',
    ),
    SCALER: field(
      oneOf(['log', 'aws']),
      "'log' (local: capacity changes are logged, not made) or 'aws' (Application Auto Scaling and RDS).",
      'log',
    ),
  },
  (o) =>
    o
      .refine(
        (c) => c.WEATHER_PROVIDER !== 'met-office' || c.WEATHER_API_KEY_PARAMETER,
        at('WEATHER_API_KEY_PARAMETER', 'is required when WEATHER_PROVIDER=met-office'),
      )
      .refine(
        (c) => c.WEATHER_NATIONAL_SEVERE_AT >= c.WEATHER_NATIONAL_ELEVATED_AT,
        at('WEATHER_NATIONAL_SEVERE_AT', 'must not be below WEATHER_NATIONAL_ELEVATED_AT'),
      )
      .transform((c) => ({
        provider: {
          kind: c.WEATHER_PROVIDER,
          host: c.WEATHER_API_HOST,
          apiKeyParameter: c.WEATHER_API_KEY_PARAMETER,
          fixtureFile: c.WEATHER_FIXTURE_FILE,
          timeoutMs: c.WEATHER_TIMEOUT_MS,
          maxAttempts: c.WEATHER_MAX_ATTEMPTS,
          retryBaseMs: c.WEATHER_RETRY_BASE_MS,
        },
        regions: c.WEATHER_REGIONS,
        callsPerDay: c.WEATHER_CALLS_PER_DAY,
        rules: {
          lookaheadHours: c.WEATHER_LOOKAHEAD_HOURS,
          freezingBelowC: c.WEATHER_FREEZING_BELOW_C,
          heavyRainMmPerHour: c.WEATHER_HEAVY_RAIN_MM,
          snowfallCm: c.WEATHER_SNOWFALL_CM,
          windKmh: c.WEATHER_WIND_KMH,
          gustKmh: c.WEATHER_GUST_KMH,
          codes: c.WEATHER_CODES,
          severeConditions: c.WEATHER_SEVERE_CONDITIONS as WeatherCondition[],
          demandMultiplier: { elevated: c.WEATHER_DEMAND_ELEVATED, severe: c.WEATHER_DEMAND_SEVERE },
          nationalLevelAt: { elevated: c.WEATHER_NATIONAL_ELEVATED_AT, severe: c.WEATHER_NATIONAL_SEVERE_AT },
        },
        policy: {
          clearRunsToScaleDown: c.WEATHER_CLEAR_RUNS_TO_SCALE_DOWN,
          cooldownMinutes: c.WEATHER_SCALE_DOWN_COOLDOWN_MINUTES,
        },
        failureAlertAfter: c.WEATHER_FAILURE_ALERT_AFTER,
        runLeaseSeconds: c.WEATHER_RUN_LEASE_SECONDS,
        targets: c.WEATHER_SCALING_TARGETS,
        scaler: c.SCALER,
      })),
);
