// How a function reaches PostgreSQL: a URL locally, RDS Proxy and a secret in AWS.
import { concern, field, text, optionalText, int, at } from './concern.js';

export const databaseConcern = concern(
  'database',
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
