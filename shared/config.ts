// Every tunable of the service, typed, documented and read once from the environment.

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
  return { raw, text, int };
}

export function loadConfig(env: Env = process.env): Config {
  const { raw, text, int } = reader(env);
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
  };
  if (!config.database.url && !(config.database.host && config.database.secretArn)) {
    throw new Error('Configuration needs DATABASE_URL, or DB_HOST and DB_SECRET_ARN');
  }
  if (config.geocoder.kind === 'aws-location' && !config.geocoder.placeIndexName) {
    throw new Error('Configuration PLACE_INDEX_NAME is required when GEOCODER=aws-location');
  }
  return config;
}
