// Every tunable of the service, typed, documented and read once from the environment.

import * as z from 'zod';
import type { EtaSettings } from './domain/eta.js';
import { codeConditions, weatherConditions, type ServiceRegion, type WeatherCondition, type WeatherRules } from './domain/weather.js';
import type { ScalePolicy, ScalingTarget } from './domain/weather-scaling.js';

type Env = Record<string, string | undefined>;

export interface Setting {
  env: string;
  default: string | undefined;
  description: string;
}

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

/** The single list the README's configuration table is checked against. */
export const settings = [
  { env: 'STAGE', default: 'local', description: 'Deployment stage (local, dev, staging, prod).' },
  { env: 'AWS_REGION', default: 'eu-west-2', description: 'AWS region of the stage.' },
  { env: 'DATABASE_URL', default: undefined, description: 'PostgreSQL connection string. Set locally and in tests; deployed stages use DB_HOST + DB_SECRET_ARN instead.' },
  { env: 'DB_HOST', default: undefined, description: 'RDS Proxy endpoint (deployed stages).' },
  { env: 'DB_PORT', default: '5432', description: 'PostgreSQL port (deployed stages).' },
  { env: 'DB_NAME', default: 'tyrehero', description: 'PostgreSQL database name (deployed stages).' },
  { env: 'DB_USER', default: 'tyrehero_admin', description: 'PostgreSQL user (deployed stages); its password comes from DB_SECRET_ARN.' },
  { env: 'DB_SECRET_ARN', default: undefined, description: 'Secrets Manager secret holding the database username and password (deployed stages).' },
  { env: 'DB_POOL_MAX', default: '1', description: 'Connections per Lambda container; 1 because each container serves one request at a time and RDS Proxy multiplexes.' },
  { env: 'DB_STATEMENT_TIMEOUT_MS', default: '5000', description: 'Server-side statement timeout, so a stuck query cannot hold a Lambda to its own timeout.' },
  { env: 'DYNAMODB_ENDPOINT', default: undefined, description: 'DynamoDB endpoint override (DynamoDB Local); unset in AWS.' },
  { env: 'LOCATIONS_TABLE', default: 'tyrehero-dispatch-local-locations', description: 'DynamoDB table of live technician locations.' },
  { env: 'IDEMPOTENCY_TABLE', default: 'tyrehero-dispatch-local-idempotency', description: 'DynamoDB table of Idempotency-Key records.' },
  { env: 'SCALING_STATE_TABLE', default: 'tyrehero-dispatch-local-scaling-state', description: 'DynamoDB table of weather scaling state (read for the severe-weather flag).' },
  { env: 'INTAKE_BUFFER_TABLE', default: 'tyrehero-dispatch-local-intake-buffer', description: 'DynamoDB table that keeps emergencies accepted while PostgreSQL is unreachable.' },
  { env: 'GEOCODER', default: 'offline', description: "Postcode geocoder: 'offline' (built-in outward-code table) or 'aws-location'." },
  { env: 'PLACE_INDEX_NAME', default: undefined, description: 'AWS Location Service place index used when GEOCODER=aws-location.' },
  { env: 'MAX_BODY_BYTES', default: '16384', description: 'Largest request body accepted; larger gets 413.' },
  { env: 'DEDUP_WINDOW_MINUTES', default: '5', description: 'An open request from the same phone within this window is answered 409 with its reference.' },
  { env: 'SLA_MINUTES', default: '90', description: 'Arrival guarantee: the SLA deadline is creation time plus this.' },
  { env: 'IDEMPOTENCY_TTL_SECONDS', default: '86400', description: 'How long an Idempotency-Key replays its first response.' },
  { env: 'BACKLOG_DEGRADED_ABOVE', default: '10', description: 'Health reports degraded when more requests than this are pending.' },
  { env: 'HEALTH_CHECK_TIMEOUT_MS', default: '1000', description: 'Timeout of each dependency check in GET /health.' },
  { env: 'DISPATCH_CANDIDATES', default: '5', description: 'How many nearest available technicians dispatch tries, nearest first.' },
  { env: 'DISPATCH_MAX_RADIUS_KM', default: '150', description: 'Furthest straight-line distance searched for a technician.' },
  { env: 'LOCATION_FRESH_MINUTES', default: '2', description: 'A technician silent for longer is not dispatchable: the van app reports every 30 s, so 2 minutes is four missed fixes.' },
  { env: 'DISPATCH_BUDGET_MS', default: '3000', description: 'Most time POST /emergencies spends on dispatch after the commit; then it answers pending and redispatch carries on.' },
  { env: 'ACCEPT_WITHIN_MINUTES', default: '3', description: 'An assignment not accepted within this is reclaimed by redispatch.' },
  { env: 'ETA_MOBILISATION_MINUTES', default: '10', description: 'Minutes from accepting a job to driving off.' },
  { env: 'ETA_ROAD_FACTOR', default: '1.3', description: 'Road distance ÷ straight-line distance.' },
  { env: 'ETA_SPEED_URBAN_KMH', default: '30', description: 'Average speed for urban drives.' },
  { env: 'ETA_SPEED_RURAL_KMH', default: '60', description: 'Average speed for rural drives.' },
  { env: 'ETA_SPEED_MOTORWAY_KMH', default: '90', description: 'Average speed to a motorway breakdown.' },
  { env: 'ETA_URBAN_RADIUS_KM', default: '10', description: 'Drives up to this straight-line distance use the urban speed.' },
  { env: 'NOTIFIER', default: 'log', description: "'log' (local: messages are logged, not sent) or 'sns'." },
  { env: 'OPS_ALERTS_TOPIC_ARN', default: undefined, description: 'SNS topic for operations alerts (NOTIFIER=sns).' },
  { env: 'AUTH_ISSUER', default: 'tyrehero-local', description: 'Expected `iss` of bearer tokens: the Cognito user pool URL in AWS.' },
  { env: 'AUTH_CLIENT_ID', default: 'tyrehero-local-app', description: 'Expected `client_id` of bearer (access) tokens: the Cognito app client.' },
  { env: 'AUTH_JWKS_URL', default: undefined, description: "Where the token signing keys are published (Cognito's jwks.json)." },
  { env: 'AUTH_LOCAL_JWKS', default: undefined, description: 'The public signing keys as JSON, for the local stage and tests (npm start generates them).' },
  { env: 'HIGH_PRIORITY_AT_MOST', default: '2', description: 'Pending requests of this priority or more urgent (1 is most urgent) count as HighPriorityPending.' },
  { env: 'CORS_ALLOWED_ORIGINS', default: '*', description: 'Comma-separated origins allowed by CORS.' },
  { env: 'WEATHER_PROVIDER', default: 'fixture', description: "Forecast source for weather scaling: 'open-meteo', 'met-office' (DataHub site-specific) or 'fixture' (a local JSON file in Open-Meteo's shape)." },
  { env: 'WEATHER_API_HOST', default: undefined, description: 'Forecast API host; defaults to api.open-meteo.com or data.hub.api.metoffice.gov.uk. Commercial Open-Meteo: customer-api.open-meteo.com.' },
  { env: 'WEATHER_API_KEY_PARAMETER', default: undefined, description: "Where the forecast API key is kept: 'ssm:/name' (SecureString) or 'secretsmanager:name'. Read through Powertools Parameters, cached 5 minutes." },
  { env: 'WEATHER_FIXTURE_FILE', default: 'tests/fixtures/weather/open-meteo/snow-london-south-east.json', description: "Forecast file the 'fixture' provider serves, re-based so its first hour is the current hour." },
  { env: 'WEATHER_TIMEOUT_MS', default: '5000', description: 'Timeout of each forecast request.' },
  { env: 'WEATHER_MAX_ATTEMPTS', default: '3', description: 'Forecast requests per run before giving up (timeouts, 429 and 5xx are retried).' },
  { env: 'WEATHER_RETRY_BASE_MS', default: '500', description: 'First retry delay; each later retry waits twice as long.' },
  { env: 'WEATHER_REGIONS', default: JSON.stringify(defaultRegions), description: 'Service regions as JSON: [{name, lat, lon, demandWeight}]; weights are relative.' },
  { env: 'WEATHER_LOOKAHEAD_HOURS', default: '6', description: 'How far ahead the rules look, from the start of the current hour.' },
  { env: 'WEATHER_FREEZING_BELOW_C', default: '0', description: 'An hour with a temperature below this (°C) is freezing (elevated).' },
  { env: 'WEATHER_HEAVY_RAIN_MM', default: '10', description: 'An hour with more precipitation than this (mm) is heavy rain (elevated).' },
  { env: 'WEATHER_SNOWFALL_CM', default: '1', description: 'An hour with more snowfall than this (cm) is snowfall (severe).' },
  { env: 'WEATHER_WIND_KMH', default: '50', description: 'Mean 10 m wind above this (km/h) is high wind (elevated).' },
  { env: 'WEATHER_GUST_KMH', default: '80', description: 'Gusts above this (km/h, about 50 mph) count as wind too (elevated).' },
  { env: 'WEATHER_CODES', default: JSON.stringify(defaultCodes), description: 'WMO weather codes per condition, as JSON: freezing-rain, ice-fog, snow, thunderstorm.' },
  { env: 'WEATHER_SEVERE_CONDITIONS', default: 'snowfall,freezing-rain', description: 'Conditions that make a region severe on their own (comma-separated); the others make it elevated.' },
  { env: 'WEATHER_DEMAND_ELEVATED', default: '2', description: 'Breakdown demand in an elevated region, relative to normal.' },
  { env: 'WEATHER_DEMAND_SEVERE', default: '4', description: 'Breakdown demand in a severe region, relative to normal (winter weather brings 3–5×).' },
  { env: 'WEATHER_NATIONAL_ELEVATED_AT', default: '1.2', description: 'National (demand-weighted) multiplier from which the national level is elevated.' },
  { env: 'WEATHER_NATIONAL_SEVERE_AT', default: '1.8', description: 'National multiplier from which the national level is severe (if some region is severe).' },
  { env: 'WEATHER_CLEAR_RUNS_TO_SCALE_DOWN', default: '4', description: 'Consecutive runs with a forecast below the current level before stepping down one level.' },
  { env: 'WEATHER_SCALE_DOWN_COOLDOWN_MINUTES', default: '180', description: 'No step down within this long after the last scale-up.' },
  { env: 'WEATHER_FAILURE_ALERT_AFTER', default: '3', description: 'Operations are alerted when this many runs in a row had no forecast.' },
  { env: 'WEATHER_RUN_LEASE_SECONDS', default: '300', description: 'How long a run holds the scaling state; longer than the function timeout, so a crashed run cannot block for good.' },
  { env: 'WEATHER_SCALING_TARGETS', default: '[]', description: 'What weather scaling changes, as JSON (see README, Weather scaling): provisioned concurrency per function alias, Aurora min ACU.' },
  { env: 'SCALER', default: 'log', description: "'log' (local: capacity changes are logged, not made) or 'aws' (Application Auto Scaling and RDS)." },
  { env: 'DR_CONTROL_PLANE', default: 'none', description: "Disaster recovery: 'aws' reads and drives RDS, CloudWatch and DynamoDB control planes; 'none' (local) checks data only." },
  { env: 'DR_CLUSTER_ID', default: undefined, description: "This region's Aurora cluster identifier (DR checks, failover, restore)." },
  { env: 'DR_GLOBAL_CLUSTER_ID', default: undefined, description: 'Aurora Global Database identifier; unset when the stage has no second region.' },
  { env: 'DR_SECONDARY_REGION', default: undefined, description: 'Region of the secondary stack (Aurora secondary cluster, DynamoDB replicas), e.g. eu-west-1.' },
  { env: 'DR_SECONDARY_CLUSTER_ID', default: undefined, description: 'Identifier of the secondary Aurora cluster, whose lag metrics drCheck reads.' },
  { env: 'DR_BACKUP_RETENTION_DAYS', default: '7', description: 'Aurora backup retention the stage is deployed with; the restorable window must cover it.' },
  { env: 'DR_STUCK_MINUTES', default: '{"pending":30,"assigned":15,"en_route":120,"on_site":180}', description: 'A request unchanged in this status for longer than these minutes is stuck (drCheck), as JSON.' },
  { env: 'DR_GAP_WINDOW_MINUTES', default: '60', description: 'How far back drCheck looks for minutes with no request (the minute-gap analysis).' },
  { env: 'DR_TRAILING_DAYS', default: '28', description: 'Days of history the trailing request rate per hour of day is measured over.' },
] as const satisfies readonly Setting[];

export type Stage = string;
export type GeocoderKind = 'offline' | 'aws-location';

export interface Config {
  stage: Stage;
  region: string;
  database: {
    url?: string;
    host?: string;
    port: number;
    name: string;
    user: string;
    secretArn?: string;
    poolMax: number;
    statementTimeoutMs: number;
  };
  dynamodb: { endpoint?: string };
  tables: { locations: string; idempotency: string; scalingState: string; intakeBuffer: string };
  geocoder: { kind: GeocoderKind; placeIndexName?: string };
  intake: { maxBodyBytes: number; dedupWindowMinutes: number; slaMinutes: number; idempotencyTtlSeconds: number; dispatchBudgetMs: number };
  health: { backlogDegradedAbove: number; checkTimeoutMs: number };
  http: { corsAllowedOrigins: string[] };
  dispatch: { candidates: number; maxRadiusKm: number; freshMinutes: number; acceptWithinMinutes: number; eta: EtaSettings };
  notifier: { kind: 'log' | 'sns'; opsTopicArn?: string };
  auth: { issuer: string; clientId: string; jwksUrl?: string; localJwks?: string };
  weather: {
    provider: { kind: WeatherProviderKind; host?: string; apiKeyParameter?: string; fixtureFile: string; timeoutMs: number; maxAttempts: number; retryBaseMs: number };
    regions: ServiceRegion[];
    rules: WeatherRules;
    policy: ScalePolicy;
    failureAlertAfter: number;
    runLeaseSeconds: number;
    targets: ScalingTarget[];
    scaler: 'log' | 'aws';
  };
  operations: { highPriorityAtMost: number };
  /** Disaster recovery's own settings, parsed only by the DR functions. */
  dr: DrConfig;
}

export type WeatherProviderKind = 'open-meteo' | 'met-office' | 'fixture';

const level3 = <T extends z.ZodType>(value: T) => z.object({ normal: value, elevated: value, severe: value });
const regionsSchema = z.array(z.object({ name: z.string().min(1), lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), demandWeight: z.number().positive() })).min(1);
const codesSchema = z.object(Object.fromEntries(codeConditions.map((c) => [c, z.array(z.number().int())])) as Record<(typeof codeConditions)[number], z.ZodArray<z.ZodNumber>>);
const targetName = z.string().regex(/^[A-Za-z0-9_-]+$/);
const targetsSchema = z
  .array(
    z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('provisioned-concurrency'),
        name: targetName,
        functionName: z.string().min(1),
        alias: z.string().min(1),
        capacity: level3(z.object({ min: z.number().int().min(0), max: z.number().int().min(1) }).refine((r) => r.min <= r.max, 'min must not exceed max')),
      }),
      z.object({ kind: z.literal('aurora-min-acu'), name: targetName, clusterId: z.string().min(1), maxAcu: z.number().positive(), minAcu: level3(z.number().min(0)) }),
    ]),
  )
  .refine((targets) => new Set(targets.map((t) => t.name)).size === targets.length, 'target names must be unique');

type SettingName = (typeof settings)[number]['env'];

function reader(env: Env) {
  const raw = (name: SettingName): string | undefined => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    return settings.find((s) => s.env === name)?.default;
  };
  const text = (name: SettingName): string => {
    const value = raw(name);
    if (value === undefined) throw new Error(`Configuration ${name} is required`);
    return value;
  };
  const int = (name: SettingName, min = 0): number => {
    const value = Number(text(name));
    if (!Number.isInteger(value) || value < min) throw new Error(`Configuration ${name} must be an integer >= ${min}, got "${raw(name)}"`);
    return value;
  };
  const positive = (name: SettingName): number => {
    const value = Number(text(name));
    if (!Number.isFinite(value) || value <= 0) throw new Error(`Configuration ${name} must be a positive number, got "${raw(name)}"`);
    return value;
  };
  const number = (name: SettingName): number => {
    const value = Number(text(name));
    if (!Number.isFinite(value)) throw new Error(`Configuration ${name} must be a number, got "${raw(name)}"`);
    return value;
  };
  const json = <T>(name: SettingName, schema: z.ZodType<T>): T => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text(name));
    } catch {
      throw new Error(`Configuration ${name} must be JSON, got "${raw(name)}"`);
    }
    const result = schema.safeParse(parsed);
    if (!result.success) throw new Error(`Configuration ${name} is invalid: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
    return result.data;
  };
  return { raw, text, int, positive, number, json };
}

function weatherConfig(r: ReturnType<typeof reader>): Config['weather'] {
  const provider = r.text('WEATHER_PROVIDER');
  if (provider !== 'open-meteo' && provider !== 'met-office' && provider !== 'fixture') {
    throw new Error(`Configuration WEATHER_PROVIDER must be 'open-meteo', 'met-office' or 'fixture', got "${provider}"`);
  }
  const scaler = r.text('SCALER');
  if (scaler !== 'log' && scaler !== 'aws') throw new Error(`Configuration SCALER must be 'log' or 'aws', got "${scaler}"`);
  const severeConditions = r.text('WEATHER_SEVERE_CONDITIONS').split(',').map((c) => c.trim()).filter(Boolean);
  const unknown = severeConditions.filter((c) => !(weatherConditions as readonly string[]).includes(c));
  if (unknown.length) throw new Error(`Configuration WEATHER_SEVERE_CONDITIONS names unknown conditions: ${unknown.join(', ')} (known: ${weatherConditions.join(', ')})`);
  const apiKeyParameter = r.raw('WEATHER_API_KEY_PARAMETER');
  if (apiKeyParameter && !/^(ssm:\/.+|secretsmanager:.+)$/.test(apiKeyParameter)) {
    throw new Error(`Configuration WEATHER_API_KEY_PARAMETER must look like 'ssm:/name' or 'secretsmanager:name', got "${apiKeyParameter}"`);
  }
  if (provider === 'met-office' && !apiKeyParameter) throw new Error('Configuration WEATHER_API_KEY_PARAMETER is required when WEATHER_PROVIDER=met-office');
  const nationalLevelAt = { elevated: r.positive('WEATHER_NATIONAL_ELEVATED_AT'), severe: r.positive('WEATHER_NATIONAL_SEVERE_AT') };
  if (nationalLevelAt.severe < nationalLevelAt.elevated) throw new Error('Configuration WEATHER_NATIONAL_SEVERE_AT must not be below WEATHER_NATIONAL_ELEVATED_AT');
  return {
    provider: {
      kind: provider,
      host: r.raw('WEATHER_API_HOST'),
      apiKeyParameter,
      fixtureFile: r.text('WEATHER_FIXTURE_FILE'),
      timeoutMs: r.int('WEATHER_TIMEOUT_MS', 1),
      maxAttempts: r.int('WEATHER_MAX_ATTEMPTS', 1),
      retryBaseMs: r.int('WEATHER_RETRY_BASE_MS'),
    },
    regions: r.json('WEATHER_REGIONS', regionsSchema),
    rules: {
      lookaheadHours: r.int('WEATHER_LOOKAHEAD_HOURS', 1),
      freezingBelowC: r.number('WEATHER_FREEZING_BELOW_C'),
      heavyRainMmPerHour: r.positive('WEATHER_HEAVY_RAIN_MM'),
      snowfallCm: r.number('WEATHER_SNOWFALL_CM'),
      windKmh: r.positive('WEATHER_WIND_KMH'),
      gustKmh: r.positive('WEATHER_GUST_KMH'),
      codes: r.json('WEATHER_CODES', codesSchema),
      severeConditions: severeConditions as WeatherCondition[],
      demandMultiplier: { elevated: r.positive('WEATHER_DEMAND_ELEVATED'), severe: r.positive('WEATHER_DEMAND_SEVERE') },
      nationalLevelAt,
    },
    policy: { clearRunsToScaleDown: r.int('WEATHER_CLEAR_RUNS_TO_SCALE_DOWN', 1), cooldownMinutes: r.int('WEATHER_SCALE_DOWN_COOLDOWN_MINUTES') },
    failureAlertAfter: r.int('WEATHER_FAILURE_ALERT_AFTER', 1),
    runLeaseSeconds: r.int('WEATHER_RUN_LEASE_SECONDS', 1),
    targets: r.json('WEATHER_SCALING_TARGETS', targetsSchema),
    scaler,
  };
}

type Reader = ReturnType<typeof reader>;

// One parser per concern: a function parses only the concerns it uses (loadConcerns), so, say, the technician location
// route neither needs a database setting nor parses the weather JSON at init.
export const parseStage = (r: Reader): Config['stage'] => r.text('STAGE');
export const parseRegion = (r: Reader): Config['region'] => r.text('AWS_REGION');

export function parseDatabase(r: Reader): Config['database'] {
  const database = {
    url: r.raw('DATABASE_URL'),
    host: r.raw('DB_HOST'),
    port: r.int('DB_PORT', 1),
    name: r.text('DB_NAME'),
    user: r.text('DB_USER'),
    secretArn: r.raw('DB_SECRET_ARN'),
    poolMax: r.int('DB_POOL_MAX', 1),
    statementTimeoutMs: r.int('DB_STATEMENT_TIMEOUT_MS', 1),
  };
  if (!database.url && !(database.host && database.secretArn)) throw new Error('Configuration needs DATABASE_URL, or DB_HOST and DB_SECRET_ARN');
  return database;
}

export const parseDynamodb = (r: Reader): Config['dynamodb'] => ({ endpoint: r.raw('DYNAMODB_ENDPOINT') });

export const parseTables = (r: Reader): Config['tables'] => ({
  locations: r.text('LOCATIONS_TABLE'),
  idempotency: r.text('IDEMPOTENCY_TABLE'),
  scalingState: r.text('SCALING_STATE_TABLE'),
  intakeBuffer: r.text('INTAKE_BUFFER_TABLE'),
});

export function parseGeocoder(r: Reader): Config['geocoder'] {
  const kind = r.text('GEOCODER');
  if (kind !== 'offline' && kind !== 'aws-location') throw new Error(`Configuration GEOCODER must be 'offline' or 'aws-location', got "${kind}"`);
  const placeIndexName = r.raw('PLACE_INDEX_NAME');
  if (kind === 'aws-location' && !placeIndexName) throw new Error('Configuration PLACE_INDEX_NAME is required when GEOCODER=aws-location');
  return { kind, placeIndexName };
}

export const parseIntake = (r: Reader): Config['intake'] => ({
  maxBodyBytes: r.int('MAX_BODY_BYTES', 256),
  dedupWindowMinutes: r.int('DEDUP_WINDOW_MINUTES'),
  slaMinutes: r.int('SLA_MINUTES', 1),
  idempotencyTtlSeconds: r.int('IDEMPOTENCY_TTL_SECONDS', 1),
  dispatchBudgetMs: r.int('DISPATCH_BUDGET_MS', 0),
});

export const parseHealth = (r: Reader): Config['health'] => ({ backlogDegradedAbove: r.int('BACKLOG_DEGRADED_ABOVE'), checkTimeoutMs: r.int('HEALTH_CHECK_TIMEOUT_MS', 1) });

export const parseHttp = (r: Reader): Config['http'] => ({
  corsAllowedOrigins: r
    .text('CORS_ALLOWED_ORIGINS')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean),
});

export const parseDispatch = (r: Reader): Config['dispatch'] => ({
  candidates: r.int('DISPATCH_CANDIDATES', 1),
  maxRadiusKm: r.positive('DISPATCH_MAX_RADIUS_KM'),
  freshMinutes: r.positive('LOCATION_FRESH_MINUTES'),
  acceptWithinMinutes: r.positive('ACCEPT_WITHIN_MINUTES'),
  eta: {
    mobilisationMinutes: r.int('ETA_MOBILISATION_MINUTES'),
    roadFactor: r.positive('ETA_ROAD_FACTOR'),
    speedsKmh: { urban: r.positive('ETA_SPEED_URBAN_KMH'), rural: r.positive('ETA_SPEED_RURAL_KMH'), motorway: r.positive('ETA_SPEED_MOTORWAY_KMH') },
    urbanRadiusKm: r.positive('ETA_URBAN_RADIUS_KM'),
  },
});

export function parseNotifier(r: Reader): Config['notifier'] {
  const kind = r.text('NOTIFIER');
  if (kind !== 'log' && kind !== 'sns') throw new Error(`Configuration NOTIFIER must be 'log' or 'sns', got "${kind}"`);
  const opsTopicArn = r.raw('OPS_ALERTS_TOPIC_ARN');
  if (kind === 'sns' && !opsTopicArn) throw new Error('Configuration OPS_ALERTS_TOPIC_ARN is required when NOTIFIER=sns');
  return { kind, opsTopicArn };
}

export const parseAuth = (r: Reader): Config['auth'] => ({ issuer: r.text('AUTH_ISSUER'), clientId: r.text('AUTH_CLIENT_ID'), jwksUrl: r.raw('AUTH_JWKS_URL'), localJwks: r.raw('AUTH_LOCAL_JWKS') });
export const parseWeather = (r: Reader): Config['weather'] => weatherConfig(r);
export const parseOperations = (r: Reader): Config['operations'] => ({ highPriorityAtMost: r.int('HIGH_PRIORITY_AT_MOST', 1) });

type Parsers<K extends keyof Config> = { [P in K]: (r: Reader) => Config[P] };

/** Only the concerns a function uses, e.g. `loadConcerns({ region: parseRegion, tables: parseTables })`. */
export function loadConcerns<K extends keyof Config>(parsers: Parsers<K>, env: Env = process.env): Pick<Config, K> {
  const r = reader(env);
  return Object.fromEntries(Object.entries(parsers).map(([key, parse]) => [key, (parse as (r: Reader) => unknown)(r)])) as Pick<Config, K>;
}

const allConcerns: Parsers<keyof Config> = {
  stage: parseStage,
  region: parseRegion,
  database: parseDatabase,
  dynamodb: parseDynamodb,
  tables: parseTables,
  geocoder: parseGeocoder,
  intake: parseIntake,
  health: parseHealth,
  http: parseHttp,
  dispatch: parseDispatch,
  notifier: parseNotifier,
  auth: parseAuth,
  weather: parseWeather,
  operations: parseOperations,
  dr: parseDr,
};

/** Every concern at once: tests, the benchmark and local scripts. */
export function loadConfig(env: Env = process.env): Config {
  return loadConcerns(allConcerns, env);
}

// Built on first use: a function that never parses DR settings keeps this schema (and the zod it needs) out of its bundle.
const drSchema = () =>
  z.object({
    controlPlane: z.enum(['aws', 'none']),
    clusterId: z.string().min(1).optional(),
    globalClusterId: z.string().min(1).optional(),
    secondaryRegion: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/).optional(),
    secondaryClusterId: z.string().min(1).optional(),
    backupRetentionDays: z.coerce.number().int().min(1).max(35),
    stuckMinutes: z.record(z.enum(['pending', 'assigned', 'en_route', 'on_site']), z.number().int().positive()),
    gapWindowMinutes: z.coerce.number().int().min(5).max(1440),
    trailingDays: z.coerce.number().int().min(1).max(90),
  });

export type DrConfig = z.infer<ReturnType<typeof drSchema>>;

/** Disaster recovery's own settings, parsed only by the DR functions. */
export function parseDr(r: Reader): Config['dr'] {
  const result = drSchema().safeParse({
    controlPlane: r.text('DR_CONTROL_PLANE'),
    clusterId: r.raw('DR_CLUSTER_ID'),
    globalClusterId: r.raw('DR_GLOBAL_CLUSTER_ID'),
    secondaryRegion: r.raw('DR_SECONDARY_REGION'),
    secondaryClusterId: r.raw('DR_SECONDARY_CLUSTER_ID'),
    backupRetentionDays: r.text('DR_BACKUP_RETENTION_DAYS'),
    stuckMinutes: r.json('DR_STUCK_MINUTES', z.unknown()),
    gapWindowMinutes: r.text('DR_GAP_WINDOW_MINUTES'),
    trailingDays: r.text('DR_TRAILING_DAYS'),
  });
  if (!result.success) throw new Error(`Disaster-recovery configuration is invalid: ${result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  if (result.data.controlPlane === 'aws' && !result.data.clusterId) throw new Error('Configuration DR_CLUSTER_ID is required when DR_CONTROL_PLANE=aws');
  return result.data;
}
