// Every tunable of the service: one zod schema per concern, each setting typed, documented and defaulted where it is
// declared. A function parses only the concerns it uses (`loadConcerns`), so the technician location route neither
// needs a database setting nor parses the weather JSON at init. The README's configuration table is generated from
// these schemas (`npx tsx scripts/config-table.ts`) and checked against them by tests/unit/config.test.ts.

import * as z from 'zod';
import { codeConditions, weatherConditions, type ServiceRegion, type WeatherCondition } from './domain/weather.js';

type Env = Record<string, string | undefined>;

export interface Setting {
  env: string;
  default: string | undefined;
  description: string;
}

/** One environment variable: how its text is read, what it means, and the text used when it is unset or empty. */
interface Field<S extends z.ZodType = z.ZodType> {
  schema: S;
  description: string;
  default: string | undefined;
}

const field = <S extends z.ZodType>(schema: S, description: string, defaultValue?: string): Field<S> => ({
  schema,
  description,
  default: defaultValue,
});

type Shape<F extends Record<string, Field>> = { -readonly [K in keyof F]: F[K]['schema'] };

/** A concern: its settings, and one zod schema from their text to what the code receives. */
export interface Concern<T> {
  readonly settings: readonly Setting[];
  readonly schema: z.ZodType<T, Record<string, string | undefined>>;
}

function concern<F extends Record<string, Field>, T = z.output<z.ZodObject<Shape<F>>>>(
  fields: F,
  refine: (object: z.ZodObject<Shape<F>>) => z.ZodType<T> = (object) => object as unknown as z.ZodType<T>,
): Concern<T> {
  const shape = Object.fromEntries(Object.entries(fields).map(([env, f]) => [env, f.schema])) as Shape<F>;
  return {
    settings: Object.entries(fields).map(([env, f]) => ({ env, default: f.default, description: f.description })),
    schema: refine(z.object(shape)) as Concern<T>['schema'],
  };
}

// The text of a setting → a typed value. Messages name the rule; loadConcerns adds the setting and the text it got.
const text = z.string().min(1);
const optionalText = z.string().min(1).optional();
const numeric = (rule: string, ok: (n: number) => boolean) =>
  z.string().transform((s, ctx) => {
    const n = s.trim() === '' ? Number.NaN : Number(s);
    if (!ok(n)) ctx.addIssue({ code: 'custom', message: `must be ${rule}` });
    return n;
  });
const int = (min = 0) => numeric(`an integer >= ${min}`, (n) => Number.isInteger(n) && n >= min);
const positive = numeric('a positive number', (n) => Number.isFinite(n) && n > 0);
const finite = numeric('a number', Number.isFinite);
const oneOf = <const V extends readonly [string, ...string[]]>(values: V) =>
  z.enum(values, { error: `must be ${values.map((v) => `'${v}'`).join(' or ')}` });
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
);
const json = <S extends z.ZodType>(schema: S) =>
  z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

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

const at = (path: string, message: string) => ({ message, path: [path] });

export const stageConcern = concern(
  { STAGE: field(text, 'Deployment stage (local, dev, staging, prod).', 'local') },
  (o) => o.transform((c) => c.STAGE),
);
export const regionConcern = concern({ AWS_REGION: field(text, 'AWS region of the stage.', 'eu-west-2') }, (o) =>
  o.transform((c) => c.AWS_REGION),
);

export const databaseConcern = concern(
  {
    DATABASE_URL: field(
      optionalText,
      'PostgreSQL connection string. Set locally and in tests; deployed stages use DB_HOST + DB_SECRET_ARN instead.',
    ),
    DB_HOST: field(optionalText, 'RDS Proxy endpoint (deployed stages).'),
    DB_PORT: field(int(1), 'PostgreSQL port (deployed stages).', '5432'),
    DB_NAME: field(text, 'PostgreSQL database name (deployed stages).', 'tyrehero'),
    DB_USER: field(text, 'PostgreSQL user (deployed stages); its password comes from DB_SECRET_ARN.', 'tyrehero_admin'),
    DB_SECRET_ARN: field(
      optionalText,
      'Secrets Manager secret holding the database username and password (deployed stages).',
    ),
    DB_POOL_MAX: field(
      int(1),
      'Connections per Lambda container; 1 because each container serves one request at a time and RDS Proxy multiplexes.',
      '1',
    ),
    DB_STATEMENT_TIMEOUT_MS: field(
      int(1),
      'Server-side statement timeout, so a stuck query cannot hold a Lambda to its own timeout.',
      '5000',
    ),
  },
  (o) =>
    o
      .refine(
        (c) => c.DATABASE_URL || (c.DB_HOST && c.DB_SECRET_ARN),
        at('DATABASE_URL', ', or DB_HOST and DB_SECRET_ARN, must be set'),
      )
      .transform((c) => ({
        url: c.DATABASE_URL,
        host: c.DB_HOST,
        port: c.DB_PORT,
        name: c.DB_NAME,
        user: c.DB_USER,
        secretArn: c.DB_SECRET_ARN,
        poolMax: c.DB_POOL_MAX,
        statementTimeoutMs: c.DB_STATEMENT_TIMEOUT_MS,
      })),
);

export const dynamodbConcern = concern(
  { DYNAMODB_ENDPOINT: field(optionalText, 'DynamoDB endpoint override (DynamoDB Local); unset in AWS.') },
  (o) => o.transform((c) => ({ endpoint: c.DYNAMODB_ENDPOINT })),
);

export const tablesConcern = concern(
  {
    LOCATIONS_TABLE: field(text, 'DynamoDB table of live technician locations.', 'tyrehero-dispatch-local-locations'),
    IDEMPOTENCY_TABLE: field(
      text,
      'Retired: the DynamoDB table of Powertools Idempotency-Key records, before migration 0015 kept replay in PostgreSQL. Nothing reads it; it goes with the table next release.',
      'tyrehero-dispatch-local-idempotency',
    ),
    SCALING_STATE_TABLE: field(
      text,
      'DynamoDB table of weather scaling state (read for the severe-weather flag).',
      'tyrehero-dispatch-local-scaling-state',
    ),
    INTAKE_BUFFER_TABLE: field(
      text,
      'DynamoDB table that keeps emergencies accepted while PostgreSQL is unreachable.',
      'tyrehero-dispatch-local-intake-buffer',
    ),
    RATE_LIMITS_TABLE: field(
      text,
      'DynamoDB table of per-phone intake and per-destination SMS counters, used while PostgreSQL is unreachable (expired by TTL).',
      'tyrehero-dispatch-local-rate-limits',
    ),
  },
  (o) =>
    o.transform((c) => ({
      locations: c.LOCATIONS_TABLE,
      idempotency: c.IDEMPOTENCY_TABLE,
      scalingState: c.SCALING_STATE_TABLE,
      intakeBuffer: c.INTAKE_BUFFER_TABLE,
      rateLimits: c.RATE_LIMITS_TABLE,
    })),
);

export const geocoderConcern = concern(
  {
    GEOCODER: field(
      oneOf(['offline', 'aws-location']),
      "Postcode geocoder: 'offline' (built-in outward-code table) or 'aws-location'.",
      'offline',
    ),
    PLACE_INDEX_NAME: field(optionalText, 'AWS Location Service place index used when GEOCODER=aws-location.'),
  },
  (o) =>
    o
      .refine(
        (c) => c.GEOCODER !== 'aws-location' || c.PLACE_INDEX_NAME,
        at('PLACE_INDEX_NAME', 'is required when GEOCODER=aws-location'),
      )
      .transform((c) => ({ kind: c.GEOCODER, placeIndexName: c.PLACE_INDEX_NAME })),
);

export const intakeConcern = concern(
  {
    MAX_BODY_BYTES: field(int(256), 'Largest request body accepted; larger gets 413.', '16384'),
    DEDUP_WINDOW_MINUTES: field(
      int(),
      'An open request from the same phone within this window is answered 409 with its reference.',
      '5',
    ),
    SLA_MINUTES: field(int(1), 'Arrival guarantee: the SLA deadline is creation time plus this.', '90'),
    IDEMPOTENCY_TTL_SECONDS: field(
      int(1),
      'How long an Idempotency-Key replays its first response (a retry within it is matched to the stored request).',
      '86400',
    ),
    DISPATCH_BUDGET_MS: field(
      int(),
      'Most time POST /emergencies spends on dispatch after the commit; then it answers pending and redispatch carries on.',
      '3000',
    ),
  },
  (o) =>
    o.transform((c) => ({
      maxBodyBytes: c.MAX_BODY_BYTES,
      dedupWindowMinutes: c.DEDUP_WINDOW_MINUTES,
      slaMinutes: c.SLA_MINUTES,
      idempotencyTtlSeconds: c.IDEMPOTENCY_TTL_SECONDS,
      dispatchBudgetMs: c.DISPATCH_BUDGET_MS,
    })),
);

export const healthConcern = concern(
  {
    BACKLOG_DEGRADED_ABOVE: field(int(), 'Health reports degraded when more requests than this are pending.', '10'),
    HEALTH_CHECK_TIMEOUT_MS: field(int(1), 'Timeout of each dependency check in GET /health.', '1000'),
  },
  (o) =>
    o.transform((c) => ({ backlogDegradedAbove: c.BACKLOG_DEGRADED_ABOVE, checkTimeoutMs: c.HEALTH_CHECK_TIMEOUT_MS })),
);

export const httpConcern = concern(
  { CORS_ALLOWED_ORIGINS: field(list, 'Comma-separated origins allowed by CORS.', '*') },
  (o) => o.transform((c) => ({ corsAllowedOrigins: c.CORS_ALLOWED_ORIGINS })),
);

export const dispatchConcern = concern(
  {
    DISPATCH_CANDIDATES: field(int(1), 'How many nearest available technicians dispatch tries, nearest first.', '5'),
    DISPATCH_MAX_RADIUS_KM: field(positive, 'Furthest straight-line distance searched for a technician.', '150'),
    LOCATION_FRESH_MINUTES: field(
      positive,
      'A technician silent for longer is not dispatchable: the van app reports every 30 s, so 2 minutes is four missed fixes.',
      '2',
    ),
    ACCEPT_WITHIN_MINUTES: field(positive, 'An assignment not accepted within this is reclaimed by redispatch.', '3'),
    ETA_MOBILISATION_MINUTES: field(int(), 'Minutes from accepting a job to driving off.', '10'),
    ETA_ROAD_FACTOR: field(positive, 'Road distance ÷ straight-line distance.', '1.3'),
    ETA_SPEED_URBAN_KMH: field(positive, 'Average speed for urban drives.', '30'),
    ETA_SPEED_RURAL_KMH: field(positive, 'Average speed for rural drives.', '60'),
    ETA_SPEED_MOTORWAY_KMH: field(positive, 'Average speed to a motorway breakdown.', '90'),
    ETA_URBAN_RADIUS_KM: field(positive, 'Drives up to this straight-line distance use the urban speed.', '10'),
    ARRIVAL_RADIUS_METERS: field(
      int(10),
      "A technician may mark a job arrived only when their latest fresh position (LOCATION_FRESH_MINUTES) is this close to the breakdown; 250 m allows for a phone's GPS on a motorway verge.",
      '250',
    ),
    ARRIVAL_CODE_MAX_ATTEMPTS: field(
      int(1),
      'Wrong arrival codes allowed per job (a 4-digit code must not be guessable); after that only an operations override completes it.',
      '5',
    ),
  },
  (o) =>
    o.transform((c) => ({
      candidates: c.DISPATCH_CANDIDATES,
      maxRadiusKm: c.DISPATCH_MAX_RADIUS_KM,
      freshMinutes: c.LOCATION_FRESH_MINUTES,
      acceptWithinMinutes: c.ACCEPT_WITHIN_MINUTES,
      arrivalRadiusMeters: c.ARRIVAL_RADIUS_METERS,
      maxArrivalCodeAttempts: c.ARRIVAL_CODE_MAX_ATTEMPTS,
      eta: {
        mobilisationMinutes: c.ETA_MOBILISATION_MINUTES,
        roadFactor: c.ETA_ROAD_FACTOR,
        speedsKmh: { urban: c.ETA_SPEED_URBAN_KMH, rural: c.ETA_SPEED_RURAL_KMH, motorway: c.ETA_SPEED_MOTORWAY_KMH },
        urbanRadiusKm: c.ETA_URBAN_RADIUS_KM,
      },
    })),
);

export const notifierConcern = concern(
  {
    NOTIFIER: field(oneOf(['log', 'sns']), "'log' (local: messages are logged, not sent) or 'sns'.", 'log'),
    OPS_ALERTS_TOPIC_ARN: field(optionalText, 'SNS topic for operations alerts (NOTIFIER=sns).'),
  },
  (o) =>
    o
      .refine(
        (c) => c.NOTIFIER !== 'sns' || c.OPS_ALERTS_TOPIC_ARN,
        at('OPS_ALERTS_TOPIC_ARN', 'is required when NOTIFIER=sns'),
      )
      .transform((c) => ({ kind: c.NOTIFIER, opsTopicArn: c.OPS_ALERTS_TOPIC_ARN })),
);

/** Notification continuity (README, "Notification continuity"): parsed only by the functions that text people. */
export const smsConcern = concern(
  {
    SMS_MAX_ATTEMPTS: field(
      int(1),
      'SMS attempts per provider (SNS, then the fallback), each only if it still fits SMS_SEND_BUDGET_MS. Throttling, 5xx, timeouts and network errors are retried; a refusal goes straight to the fallback.',
      '3',
    ),
    SMS_RETRY_BASE_MS: field(
      int(),
      'Backoff before SMS retry n: a random wait up to this × 2^(n-1) (full jitter).',
      '100',
    ),
    SMS_ATTEMPT_TIMEOUT_MS: field(
      int(1),
      'One SMS attempt (SNS Publish or the fallback request) is abandoned after this long.',
      '400',
    ),
    SMS_SEND_BUDGET_MS: field(
      int(1),
      'Most time one SMS may take over retries, backoff and the fallback. Intake sends two inside DISPATCH_BUDGET_MS (3000), so 2 × this stays well under it.',
      '1200',
    ),
    SMS_FALLBACK_PROVIDER: field(
      oneOf(['none', 'twilio']),
      "Secondary SMS provider when SNS keeps failing: 'none' or 'twilio' (Programmable Messaging REST API).",
      'none',
    ),
    SMS_FALLBACK_API_URL: field(
      z.string().regex(/^https?:\/\/[^\s/]+$/, 'must be a scheme and host, such as https://api.twilio.com'),
      'Base URL of the fallback provider (tests point it at a local server).',
      'https://api.twilio.com',
    ),
    SMS_FALLBACK_FROM: field(
      optionalText,
      'Fallback sender: an E.164 number, or a Twilio Messaging Service SID (MG…).',
    ),
    SMS_FALLBACK_SECRET_ID: field(
      optionalText,
      'Secrets Manager secret (name or ARN) with the fallback credentials as JSON: {"accountSid", "authToken"} or {"accountSid", "apiKeySid", "apiKeySecret"}. Read when first needed, cached 5 minutes.',
    ),
  },
  (o) =>
    o
      .refine(
        (c) => c.SMS_FALLBACK_PROVIDER === 'none' || c.SMS_FALLBACK_FROM,
        at('SMS_FALLBACK_FROM', 'is required when SMS_FALLBACK_PROVIDER=twilio'),
      )
      .refine(
        (c) => c.SMS_FALLBACK_PROVIDER === 'none' || c.SMS_FALLBACK_SECRET_ID,
        at('SMS_FALLBACK_SECRET_ID', 'is required when SMS_FALLBACK_PROVIDER=twilio'),
      )
      // With a fallback, the primary keeps one whole attempt of the budget for it.
      .refine(
        (c) => c.SMS_SEND_BUDGET_MS >= c.SMS_ATTEMPT_TIMEOUT_MS * (c.SMS_FALLBACK_PROVIDER === 'none' ? 1 : 2),
        at('SMS_SEND_BUDGET_MS', 'must cover one SMS attempt per provider (SMS_ATTEMPT_TIMEOUT_MS each)'),
      )
      .transform((c) => ({
        retry: {
          maxAttempts: c.SMS_MAX_ATTEMPTS,
          retryBaseMs: c.SMS_RETRY_BASE_MS,
          attemptTimeoutMs: c.SMS_ATTEMPT_TIMEOUT_MS,
          budgetMs: c.SMS_SEND_BUDGET_MS,
        },
        fallback:
          c.SMS_FALLBACK_PROVIDER === 'twilio'
            ? ({
                kind: 'twilio',
                apiUrl: c.SMS_FALLBACK_API_URL,
                from: c.SMS_FALLBACK_FROM!,
                secretId: c.SMS_FALLBACK_SECRET_ID!,
              } as const)
            : ({ kind: 'none' } as const),
      })),
);

export const authConcern = concern(
  {
    AUTH_ISSUER: field(text, 'Expected `iss` of bearer tokens: the Cognito user pool URL in AWS.', 'tyrehero-local'),
    AUTH_CLIENT_ID: field(
      text,
      'Expected `client_id` of bearer (access) tokens: the Cognito app client.',
      'tyrehero-local-app',
    ),
    AUTH_OPS_PAGE_CLIENT_ID: field(
      optionalText,
      "The /ops/live page's Cognito app client (hosted sign-in): its access tokens are accepted too. Empty: only AUTH_CLIENT_ID's.",
    ),
    AUTH_JWKS: field(
      optionalText,
      "The staff pool's public signing keys as JSON: read at deploy time in AWS (resources/deploy-time.cjs; a secondary region's from SSM), generated by npm start locally. Tokens are verified offline, with no call out.",
    ),
  },
  (o) =>
    o.transform((c) => ({
      issuer: c.AUTH_ISSUER,
      clientId: c.AUTH_CLIENT_ID,
      opsPageClientId: c.AUTH_OPS_PAGE_CLIENT_ID,
      jwks: c.AUTH_JWKS,
    })),
);

export const operationsConcern = concern(
  {
    HIGH_PRIORITY_AT_MOST: field(
      int(1),
      'Pending requests of this priority or more urgent (1 is most urgent) count as HighPriorityPending.',
      '2',
    ),
    SATISFACTION_TARGET: field(
      numeric('a number from 1 to 5', (n) => n >= 1 && n <= 5),
      'Average customer rating (1–5, last 24 hours) that CustomerSatisfaction is tracked against; /ops/metrics shows it beside the figure.',
      '4.5',
    ),
  },
  (o) =>
    o.transform((c) => ({ highPriorityAtMost: c.HIGH_PRIORITY_AT_MOST, satisfactionTarget: c.SATISFACTION_TARGET })),
);

/** The two web pages (README, "Web pages"): parsed only by the pages function. */
export const pagesConcern = concern(
  {
    MAP_TILE_URL: field(
      z
        .string()
        .regex(/^https:\/\/[^\s"<>]+\{z\}[^\s"<>]*$/, 'must be an https URL template with {z}, {x} and {y}')
        .optional(),
      'Optional map tile layer for the pages, e.g. https://tile.example.com/{z}/{x}/{y}.png. Unset, the maps draw only the shipped GB and Ireland outline (tests and npm start never need a tile server).',
    ),
    OPS_SIGN_IN_URL: field(
      z
        .string()
        .regex(/^https:\/\/[^\s"<>]+$/, 'must be an https URL')
        .optional(),
      "Cognito hosted sign-in URL the operations live view sends staff to (the stack's OpsSignInUrl output). Unset (local), /ops/live asks for a token from `npm run token` instead.",
    ),
  },
  (o) => o.transform((c) => ({ mapTileUrl: c.MAP_TILE_URL, opsSignInUrl: c.OPS_SIGN_IN_URL })),
);

/** Links sent to customers: parsed by every function that texts a customer their tracking link. */
export const linksConcern = concern(
  {
    PUBLIC_BASE_URL: field(
      z
        .string()
        .regex(
          /^https?:\/\/[^\s/]+(\/[^\s]*[^\s/])?$/,
          'must be a scheme, host and optional path, without a trailing slash',
        ),
      "Where customers open the tracking page: the SMS on assignment links to PUBLIC_BASE_URL/t/{reference}#<token>. Deployed stages set the API's own URL; locally the npm start URL.",
      'http://localhost:3000',
    ),
  },
  (o) => o.transform((c) => ({ publicBaseUrl: c.PUBLIC_BASE_URL })),
);

/** Data protection (README, "Data protection"). */
export const dataProtectionConcern = concern(
  {
    PHONE_PROTECTION: field(
      oneOf(['local', 'kms']),
      "How customer phone numbers are sealed at rest: 'kms' (KMS data key + AES-256-GCM, KMS HMAC for look-ups; every AWS stage) or 'local' (PHONE_LOCAL_KEY; local stack and tests only).",
      'local',
    ),
    PHONE_LOCAL_KEY: field(
      z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits'),
      '64 hex digits: the AES and HMAC key of PHONE_PROTECTION=local. The default is public: never for real data.',
      '6c6f63616c2d6f6e6c792d6b65792d646f2d6e6f742d7573652d696e2d617773',
    ),
    PHONE_DATA_KEY_ID: field(
      optionalText,
      'KMS key (id, ARN or alias) that data keys for phone numbers are generated under (PHONE_PROTECTION=kms).',
    ),
    PHONE_HASH_KEY_ID: field(optionalText, 'KMS HMAC_256 key for the phone look-up hash (PHONE_PROTECTION=kms).'),
    INTAKE_LIMIT_PER_PHONE_HOUR: field(
      int(1),
      'Requests one phone number may open in any hour (counted with the intake, in PostgreSQL); the next is answered 429 (with a call-999 reminder).',
      '5',
    ),
    SMS_LIMIT_PER_DESTINATION_HOUR: field(
      int(1),
      'SMS sent to one number in any hour (counted in the record of customer messages); beyond it messages are dropped and counted (SMS pumping guard).',
      '10',
    ),
    RETENTION_DAYS: field(
      int(1),
      'Requests closed (completed or cancelled) longer ago than this are anonymised by the daily retention job.',
      '30',
    ),
  },
  (o) =>
    o
      .refine(
        (c) => c.PHONE_PROTECTION === 'local' || (c.PHONE_DATA_KEY_ID && c.PHONE_HASH_KEY_ID),
        at('PHONE_PROTECTION', 'kms needs PHONE_DATA_KEY_ID and PHONE_HASH_KEY_ID'),
      )
      .transform((c) => ({
        phones:
          c.PHONE_PROTECTION === 'kms'
            ? ({ kind: 'kms', dataKeyId: c.PHONE_DATA_KEY_ID!, hashKeyId: c.PHONE_HASH_KEY_ID! } as const)
            : ({ kind: 'local', key: c.PHONE_LOCAL_KEY } as const),
        intakeLimitPerPhoneHour: c.INTAKE_LIMIT_PER_PHONE_HOUR,
        smsLimitPerDestinationHour: c.SMS_LIMIT_PER_DESTINATION_HOUR,
        retentionDays: c.RETENTION_DAYS,
      })),
);

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

/** Disaster recovery (README, "Disaster recovery"): parsed only by the DR functions. */
// An object of the four open statuses rather than z.record: zod's record type would add ~5 KiB to every bundle.
const minutes = z.number().int().positive();
const stuckMinutesSchema = z.object({ pending: minutes, assigned: minutes, en_route: minutes, on_site: minutes });

export const drConcern = concern(
  {
    DR_CONTROL_PLANE: field(
      oneOf(['aws', 'none']),
      "Disaster recovery: 'aws' reads and drives RDS, CloudWatch and DynamoDB control planes; 'none' (local) checks data only.",
      'none',
    ),
    DR_CLUSTER_ID: field(optionalText, "This region's Aurora cluster identifier (DR checks, failover, restore)."),
    DR_GLOBAL_CLUSTER_ID: field(
      optionalText,
      'Aurora Global Database identifier; unset when the stage has no second region.',
    ),
    DR_SECONDARY_REGION: field(
      z
        .string()
        .regex(/^[a-z]{2}-[a-z]+-\d$/, 'must be a region name such as eu-west-1')
        .optional(),
      'Region of the secondary stack (Aurora secondary cluster, DynamoDB replicas), e.g. eu-west-1.',
    ),
    DR_SECONDARY_CLUSTER_ID: field(
      optionalText,
      'Identifier of the secondary Aurora cluster, whose lag metrics drCheck reads.',
    ),
    DR_BACKUP_RETENTION_DAYS: field(
      numeric('an integer from 1 to 35', (n) => Number.isInteger(n) && n >= 1 && n <= 35),
      'Aurora backup retention the stage is deployed with; the restorable window must cover it.',
      '7',
    ),
    DR_STUCK_MINUTES: field(
      json(stuckMinutesSchema),
      'A request unchanged in this status for longer than these minutes is stuck (drCheck), as JSON.',
      '{"pending":30,"assigned":15,"en_route":120,"on_site":180}',
    ),
    DR_GAP_WINDOW_MINUTES: field(
      numeric('an integer from 5 to 1440', (n) => Number.isInteger(n) && n >= 5 && n <= 1440),
      'How far back drCheck looks for minutes with no request (the minute-gap analysis).',
      '60',
    ),
    DR_TRAILING_DAYS: field(
      numeric('an integer from 1 to 90', (n) => Number.isInteger(n) && n >= 1 && n <= 90),
      'Days of history the trailing request rate per hour of day is measured over.',
      '28',
    ),
  },
  (o) =>
    o
      .refine(
        (c) => c.DR_CONTROL_PLANE !== 'aws' || c.DR_CLUSTER_ID,
        at('DR_CLUSTER_ID', 'is required when DR_CONTROL_PLANE=aws'),
      )
      .transform((c) => ({
        controlPlane: c.DR_CONTROL_PLANE,
        clusterId: c.DR_CLUSTER_ID,
        globalClusterId: c.DR_GLOBAL_CLUSTER_ID,
        secondaryRegion: c.DR_SECONDARY_REGION,
        secondaryClusterId: c.DR_SECONDARY_CLUSTER_ID,
        backupRetentionDays: c.DR_BACKUP_RETENTION_DAYS,
        stuckMinutes: c.DR_STUCK_MINUTES,
        gapWindowMinutes: c.DR_GAP_WINDOW_MINUTES,
        trailingDays: c.DR_TRAILING_DAYS,
      })),
);

const concerns = {
  stage: stageConcern,
  region: regionConcern,
  database: databaseConcern,
  dynamodb: dynamodbConcern,
  tables: tablesConcern,
  geocoder: geocoderConcern,
  intake: intakeConcern,
  health: healthConcern,
  http: httpConcern,
  dispatch: dispatchConcern,
  notifier: notifierConcern,
  sms: smsConcern,
  auth: authConcern,
  operations: operationsConcern,
  dataProtection: dataProtectionConcern,
  pages: pagesConcern,
  links: linksConcern,
  weather: weatherConcern,
  dr: drConcern,
};

type Concerns = typeof concerns;
type Parsed<C> = C extends Concern<infer T> ? T : never;

/** The whole configuration: each concern's parsed value. */
export type Config = { [K in keyof Concerns]: Parsed<Concerns[K]> };
export type Stage = Config['stage'];
export type GeocoderKind = Config['geocoder']['kind'];
export type WeatherProviderKind = Config['weather']['provider']['kind'];
export type DataProtectionConfig = Config['dataProtection'];
export type DrConfig = Config['dr'];
export type SmsConfig = Config['sms'];

/** Every setting, concern by concern: the list the README's configuration table is generated from. */
export const settings: readonly Setting[] = Object.values(concerns).flatMap((c) => c.settings);

function parse<T>(c: Concern<T>, env: Env): T {
  const text = Object.fromEntries(
    c.settings.map((s) => [s.env, env[s.env] === undefined || env[s.env] === '' ? s.default : env[s.env]]),
  );
  const result = c.schema.safeParse(text);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? c.settings[0]!.env);
    const got = text[name];
    return `${name}${issue.message.startsWith(',') ? '' : ' '}${issue.message}${got === undefined ? '' : `, got "${got.length > 60 ? `${got.slice(0, 60)}…` : got}"`}`;
  });
  throw new Error(`Configuration is invalid: ${problems.join('; ')}`);
}

/** Only the concerns a function uses, e.g. `loadConcerns({ region: regionConcern, tables: tablesConcern })`. */
export function loadConcerns<K extends keyof Config>(
  wanted: { [P in K]: Concerns[P] },
  env: Env = process.env,
): Pick<Config, K> {
  return Object.fromEntries(Object.entries(wanted).map(([key, c]) => [key, parse(c as Concern<unknown>, env)])) as Pick<
    Config,
    K
  >;
}

/** Every concern at once: tests, the benchmark and local scripts. */
export function loadConfig(env: Env = process.env): Config {
  return loadConcerns(concerns, env);
}
