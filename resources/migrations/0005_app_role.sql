-- The application role every function but migrate signs in as (DB_USER=tyrehero_app): it reads and writes rows, and
-- cannot change the schema, which belongs to the owner that runs these migrations. Roles are cluster-wide, so this
-- tolerates the role existing already (another database on the same server, or a concurrent migration).
-- In AWS the migrate function then gives it LOGIN and its password from the application secret.
DO $$
BEGIN
  CREATE ROLE tyrehero_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

DO $$
BEGIN
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO tyrehero_app', current_database());
END
$$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO tyrehero_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tyrehero_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO tyrehero_app;
-- The migrations' own ledger is the owner's alone.
REVOKE ALL ON pgmigrations FROM tyrehero_app;

-- Tables and sequences that later migrations create (as the owner) are the application's to use too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tyrehero_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO tyrehero_app;
