-- Emergency intake schema: the system of record for requests, technicians and the audit trail.
-- Forward-only: never edit a migration that has shipped; add a new numbered file.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TYPE tyre_issue AS ENUM ('puncture', 'flat', 'blowout', 'damaged_wheel', 'valve', 'locking_wheel_nut', 'other');
CREATE TYPE request_status AS ENUM ('pending', 'assigned', 'en_route', 'on_site', 'completed', 'cancelled');

CREATE TABLE technicians (
  id              text PRIMARY KEY,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  phone           text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  home_base       text NOT NULL,
  home_latitude   double precision NOT NULL CHECK (home_latitude BETWEEN -90 AND 90),
  home_longitude  double precision NOT NULL CHECK (home_longitude BETWEEN -180 AND 180),
  van             text NOT NULL,
  skills          text[] NOT NULL DEFAULT '{}',
  van_stock       jsonb NOT NULL DEFAULT '{}'::jsonb,
  active          boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE emergency_requests (
  id                     uuid PRIMARY KEY,
  reference              text NOT NULL UNIQUE CHECK (reference ~ '^TH-[2-9A-HJKMNP-TV-Z]{6}$'),
  customer_name          text NOT NULL CHECK (length(customer_name) BETWEEN 1 AND 100),
  phone                  text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  latitude               double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  longitude              double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
  geohash                text NOT NULL CHECK (length(geohash) BETWEEN 1 AND 12),
  address                text CHECK (length(address) <= 300),
  postcode               text CHECK (length(postcode) <= 8),
  vehicle_make_model     text NOT NULL CHECK (length(vehicle_make_model) BETWEEN 1 AND 80),
  vehicle_registration   text CHECK (length(vehicle_registration) <= 10),
  issue                  tyre_issue NOT NULL,
  on_motorway            boolean NOT NULL DEFAULT false,
  vulnerable_occupants   boolean NOT NULL DEFAULT false,
  notes                  text CHECK (length(notes) <= 1000),
  priority               smallint NOT NULL CHECK (priority BETWEEN 1 AND 5),
  status                 request_status NOT NULL DEFAULT 'pending',
  technician_id          text REFERENCES technicians(id),
  created_at             timestamptz NOT NULL,
  assigned_at            timestamptz,
  en_route_at            timestamptz,
  on_site_at             timestamptz,
  completed_at           timestamptz,
  cancelled_at           timestamptz,
  eta                    timestamptz,
  sla_deadline           timestamptz NOT NULL,
  tracking_token_hash    text NOT NULL CHECK (length(tracking_token_hash) = 64),
  is_test                boolean NOT NULL DEFAULT false,
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CHECK (sla_deadline > created_at)
);

-- The dispatcher's queue: open requests, most urgent first, oldest first within a priority.
CREATE INDEX emergency_requests_open_queue_idx
  ON emergency_requests (priority, created_at)
  WHERE status IN ('pending', 'assigned', 'en_route', 'on_site');
CREATE INDEX emergency_requests_created_at_idx ON emergency_requests (created_at);
-- Duplicate-call window: "has this phone opened a request in the last few minutes?"
CREATE INDEX emergency_requests_phone_created_at_idx ON emergency_requests (phone, created_at);
CREATE INDEX emergency_requests_technician_idx ON emergency_requests (technician_id) WHERE technician_id IS NOT NULL;

-- Every change to a request is recorded here by trigger, so the trail cannot be bypassed by
-- application code; disaster recovery replays it.
CREATE TABLE emergency_requests_audit (
  audit_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id   uuid NOT NULL,
  operation    text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  changed_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  changed_by   text NOT NULL DEFAULT current_user,
  old_row      jsonb,
  new_row      jsonb
);
CREATE INDEX emergency_requests_audit_request_idx ON emergency_requests_audit (request_id, audit_id);
CREATE INDEX emergency_requests_audit_changed_at_idx ON emergency_requests_audit (changed_at);

CREATE FUNCTION audit_emergency_request() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO emergency_requests_audit (request_id, operation, new_row) VALUES (NEW.id, TG_OP, to_jsonb(NEW));
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO emergency_requests_audit (request_id, operation, old_row, new_row) VALUES (NEW.id, TG_OP, to_jsonb(OLD), to_jsonb(NEW));
    RETURN NEW;
  ELSE
    INSERT INTO emergency_requests_audit (request_id, operation, old_row) VALUES (OLD.id, TG_OP, to_jsonb(OLD));
    RETURN OLD;
  END IF;
END;
$$;

CREATE TRIGGER emergency_requests_audit_trg
  AFTER INSERT OR UPDATE OR DELETE ON emergency_requests
  FOR EACH ROW EXECUTE FUNCTION audit_emergency_request();

CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

CREATE TRIGGER emergency_requests_touch_trg
  BEFORE UPDATE ON emergency_requests
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
