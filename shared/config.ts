// Every tunable of the service, typed, documented and read once from the environment.

import type { EtaSettings } from './domain/eta.js';

type Env = Record<string, string | undefined>;

export interface Setting {
  env: string;
  default: string | undefined;
  description: string;
}

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
  { env: 'LOCATION_FRESH_MINUTES', default: '10', description: 'A technician silent for longer is not dispatchable.' },
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
  intake: { maxBodyBytes: number; dedupWindowMinutes: number; slaMinutes: number; idempotencyTtlSeconds: number };
  health: { backlogDegradedAbove: number; checkTimeoutMs: number };
  http: { corsAllowedOrigins: string[] };
  dispatch: { candidates: number; maxRadiusKm: number; freshMinutes: number; acceptWithinMinutes: number; eta: EtaSettings };
  notifier: { kind: 'log' | 'sns'; opsTopicArn?: string };
  auth: { issuer: string; clientId: string; jwksUrl?: string; localJwks?: string };
  operations: { highPriorityAtMost: number };
}

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
  return { raw, text, int, positive };
}

export function loadConfig(env: Env = process.env): Config {
  const { raw, text, int, positive } = reader(env);
  const notifier = text('NOTIFIER');
  if (notifier !== 'log' && notifier !== 'sns') throw new Error(`Configuration NOTIFIER must be 'log' or 'sns', got "${notifier}"`);
  const geocoder = text('GEOCODER');
  if (geocoder !== 'offline' && geocoder !== 'aws-location') {
    throw new Error(`Configuration GEOCODER must be 'offline' or 'aws-location', got "${geocoder}"`);
  }
  const config: Config = {
    stage: text('STAGE'),
    region: text('AWS_REGION'),
    database: {
      url: raw('DATABASE_URL'),
      host: raw('DB_HOST'),
      port: int('DB_PORT', 1),
      name: text('DB_NAME'),
      user: text('DB_USER'),
      secretArn: raw('DB_SECRET_ARN'),
      poolMax: int('DB_POOL_MAX', 1),
      statementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', 1),
    },
    dynamodb: { endpoint: raw('DYNAMODB_ENDPOINT') },
    tables: {
      locations: text('LOCATIONS_TABLE'),
      idempotency: text('IDEMPOTENCY_TABLE'),
      scalingState: text('SCALING_STATE_TABLE'),
      intakeBuffer: text('INTAKE_BUFFER_TABLE'),
    },
    geocoder: { kind: geocoder, placeIndexName: raw('PLACE_INDEX_NAME') },
    intake: {
      maxBodyBytes: int('MAX_BODY_BYTES', 256),
      dedupWindowMinutes: int('DEDUP_WINDOW_MINUTES'),
      slaMinutes: int('SLA_MINUTES', 1),
      idempotencyTtlSeconds: int('IDEMPOTENCY_TTL_SECONDS', 1),
    },
    health: { backlogDegradedAbove: int('BACKLOG_DEGRADED_ABOVE'), checkTimeoutMs: int('HEALTH_CHECK_TIMEOUT_MS', 1) },
    http: { corsAllowedOrigins: text('CORS_ALLOWED_ORIGINS').split(',').map((o) => o.trim()).filter(Boolean) },
    dispatch: {
      candidates: int('DISPATCH_CANDIDATES', 1),
      maxRadiusKm: positive('DISPATCH_MAX_RADIUS_KM'),
      freshMinutes: positive('LOCATION_FRESH_MINUTES'),
      acceptWithinMinutes: positive('ACCEPT_WITHIN_MINUTES'),
      eta: {
        mobilisationMinutes: int('ETA_MOBILISATION_MINUTES'),
        roadFactor: positive('ETA_ROAD_FACTOR'),
        speedsKmh: { urban: positive('ETA_SPEED_URBAN_KMH'), rural: positive('ETA_SPEED_RURAL_KMH'), motorway: positive('ETA_SPEED_MOTORWAY_KMH') },
        urbanRadiusKm: positive('ETA_URBAN_RADIUS_KM'),
      },
    },
    notifier: { kind: notifier, opsTopicArn: raw('OPS_ALERTS_TOPIC_ARN') },
    auth: { issuer: text('AUTH_ISSUER'), clientId: text('AUTH_CLIENT_ID'), jwksUrl: raw('AUTH_JWKS_URL'), localJwks: raw('AUTH_LOCAL_JWKS') },
    operations: { highPriorityAtMost: int('HIGH_PRIORITY_AT_MOST', 1) },
  };
  if (config.notifier.kind === 'sns' && !config.notifier.opsTopicArn) throw new Error('Configuration OPS_ALERTS_TOPIC_ARN is required when NOTIFIER=sns');
  if (!config.database.url && !(config.database.host && config.database.secretArn)) {
    throw new Error('Configuration needs DATABASE_URL, or DB_HOST and DB_SECRET_ARN');
  }
  if (config.geocoder.kind === 'aws-location' && !config.geocoder.placeIndexName) {
    throw new Error('Configuration PLACE_INDEX_NAME is required when GEOCODER=aws-location');
  }
  return config;
}
