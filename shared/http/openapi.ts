// Assembles the OpenAPI 3.1 document from what each feature declares (functions/<feature>/openapi.ts), with the building
// blocks their paths share. The schemas are the zod schemas that validate requests, so the contract cannot drift from the
// code. A pure function of the contracts: it can run at build time or when the document is served.
import * as z from 'zod';
import {
  ArrivalConflictProblem,
  ReassignConflictProblem,
  DuplicateEmergencyProblem,
  FieldProblem,
  OpenRequestsProblem,
  Problem,
  RateLimitedProblem,
  StatusConflictProblem,
  ValidationProblem,
} from '#shared/schemas/problem.js';

/** What a feature declares of the API (functions/<feature>/openapi.ts): its paths and the named schemas they use. */
export interface FeatureContract {
  /** Request bodies, described as clients send them (before zod's transforms and defaults). */
  requestSchemas?: Record<string, z.ZodType>;
  /** Response bodies, described as the code produces them; objects are closed, so an extra member is a contract change. */
  responseSchemas?: Record<string, z.ZodType>;
  paths: Record<string, unknown>;
}

/** The problem documents every feature answers with (shared/schemas/problem.ts). */
const problemSchemas = {
  Problem,
  FieldProblem,
  ValidationProblem,
  StatusConflictProblem,
  ArrivalConflictProblem,
  ReassignConflictProblem,
  DuplicateEmergencyProblem,
  RateLimitedProblem,
  OpenRequestsProblem,
};

type JsonSchema = Record<string, unknown>;

/** Named zod schemas → components.schemas, nested named schemas as $refs into components (never #/$defs). */
function componentSchemas(named: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // zod puts schemas that carry an id in the global registry but were not listed here under __shared: list them instead.
  if ('__shared' in schemas)
    throw new Error(
      `List every named schema in its feature's contract (functions/<feature>/openapi.ts); unlisted: ${Object.keys((schemas.__shared as { $defs?: object }).$defs ?? {}).join(', ')}`,
    );
  // Inside an OpenAPI document each schema is located by its place in components, so the generator's $schema and
  // fragment-only $id (which would re-base relative $refs) are dropped.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema as JsonSchema]),
  );
}

/** Merges the features' named schemas; one name is one schema, whichever features list it. */
function named(contracts: FeatureContract[], which: 'requestSchemas' | 'responseSchemas'): Record<string, z.ZodType> {
  const all: Record<string, z.ZodType> = which === 'responseSchemas' ? { ...problemSchemas } : {};
  for (const contract of contracts) {
    for (const [id, schema] of Object.entries(contract[which] ?? {})) {
      if (all[id] && all[id] !== schema) throw new Error(`Two different schemas are both named ${id} in the contracts`);
      all[id] = schema;
    }
  }
  return all;
}

function allComponentSchemas(contracts: FeatureContract[]): Record<string, JsonSchema> {
  const input = componentSchemas(named(contracts, 'requestSchemas'), 'input');
  const output = componentSchemas(named(contracts, 'responseSchemas'), 'output');
  for (const id of Object.keys(input)) {
    if (id in output && JSON.stringify(input[id]) !== JSON.stringify(output[id]))
      throw new Error(`OpenAPI schema ${id} differs as a request and as a response; give one of them its own id`);
  }
  return { ...output, ...input };
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const headerRef = (name: keyof typeof headers) => ({ $ref: `#/components/headers/${name}` });

const headers = {
  Location: {
    description: 'Where to read the new request (GET /emergencies/{id}, with the tracking token)',
    required: true,
    schema: { type: 'string' },
  },
  'WWW-Authenticate': {
    description: 'Always "Bearer": send a Cognito access token',
    required: true,
    schema: { type: 'string', const: 'Bearer' },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};

export interface ResponseSpec {
  description: string;
  content?: Record<string, { schema: JsonSchema }>;
  headers?: Record<string, unknown>;
}

export const json = (
  description: string,
  schema: JsonSchema,
  extra: Omit<ResponseSpec, 'description' | 'content'> = {},
): ResponseSpec => ({ description, content: { 'application/json': { schema } }, ...extra });
export const problem = (
  description: string,
  schema: JsonSchema = ref('Problem'),
  extra: Omit<ResponseSpec, 'description' | 'content'> = {},
): ResponseSpec => ({
  description,
  content: { 'application/problem+json': { schema } },
  ...extra,
});

// Answers any route can give, from our code or from API Gateway itself (resources/apigateway.yml shapes those as Problem too).
const gatewayAnswers = {
  '413': problem('Body larger than the gateway accepts (10 MB), or than the route accepts'),
  '429': problem('Throttled by the gateway: too many requests right now', ref('Problem'), {
    headers: { 'Retry-After': headerRef('Retry-After') },
  }),
  '500': problem(
    'Something went wrong on our side (a defect, or a gateway/integration failure); internals are never included',
  ),
};
export const unavailable = problem(
  'A dependency (database, table) is unreachable right now, or this region is on standby (another serves); retry after the given seconds',
  ref('Problem'),
  { headers: { 'Retry-After': headerRef('Retry-After') } },
);
export const jsonBodyAnswers = {
  '400': problem('Malformed JSON or no body'),
  '413': problem('Body larger than 16 KiB (or than the gateway accepts)'),
  '415': problem('Body is not sent as application/json'),
};
export const staffAnswers = {
  '401': problem('No valid access token', ref('Problem'), {
    headers: { 'WWW-Authenticate': headerRef('WWW-Authenticate') },
  }),
  '403': problem('Not your account or job, or not the role this needs'),
};
export const staff = [{ staffToken: [] }];
/** Partner integrations: an API Gateway API key, with its usage plan's throttle and daily quota. */
export const partner = [{ partnerKey: [] }];
/** Customer routes are guarded by the tracking token (a parameter), not by sign-in. */
export const publicAccess: never[] = [];

export const idParam = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `The ${what} id (a UUID; anything else is answered 422)`,
  schema: { type: 'string' },
});
export const technicianIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Your technician id (the sub of your access token)',
  schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
};
export const tokenHeader = {
  name: 'X-Tracking-Token',
  in: 'header',
  required: true,
  description: 'The trackingToken returned when the request was created',
  schema: { type: 'string' },
};
export const jsonBody = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });

/** Every operation answers the gateway's own statuses; a route's own description of them wins. */
export const operation = (spec: { responses: Record<string, ResponseSpec> } & Record<string, unknown>) => ({
  ...spec,
  responses: { ...gatewayAnswers, ...spec.responses },
});

/** The whole document, from the features' contracts; two features may not declare the same path. */
export function assembleOpenApi(contracts: FeatureContract[]) {
  const paths: Record<string, unknown> = {};
  for (const contract of contracts) {
    for (const [path, item] of Object.entries(contract.paths)) {
      if (path in paths) throw new Error(`Two features declare the OpenAPI path ${path}`);
      paths[path] = item;
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'TyreHero Dispatch API',
      version: '1.0.0',
      description: [
        '24/7 emergency mobile tyre service for the UK and Ireland.',
        'Errors are RFC 9457 application/problem+json: a base Problem, and per answer the extension members it adds.',
        'Every response also carries security headers (Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options,',
        'Content-Security-Policy, Referrer-Policy, Cache-Control: no-store) and CORS headers; they are not repeated per response.',
      ].join(' '),
    },
    // Relative to where this document is served, so it holds for every stage and for npm start.
    servers: [{ url: '.', description: 'The API that serves this document' }],
    components: {
      schemas: allComponentSchemas(contracts),
      headers,
      securitySchemes: {
        staffToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Cognito access token of a technician or operations user',
        },
        partnerKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'API key TyreHero issued to a partner integration (stages with partnerApiKeys on)',
        },
      },
    },
    // The JSON API only: the web pages (GET /t/{reference}, /ops/live, /assets/{file}) are HTML served by functions/pages,
    // hold no data and take no input but their path (docs/web-pages.md, "Web pages"; tests/unit/pages-serve.test.ts).
    paths,
  };
}
