-- Roles: klarsyn_app is the runtime login of the service; klarsyn_log_owner owns the
-- transparency-log tables so the service can append to them but never rewrite them.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'klarsyn_app') THEN
    CREATE ROLE klarsyn_app LOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'klarsyn_log_owner') THEN
    CREATE ROLE klarsyn_log_owner NOLOGIN;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO klarsyn_app, klarsyn_log_owner;
GRANT CREATE ON SCHEMA public TO klarsyn_log_owner;
-- Tables created by later migrations (run by the owner) are usable by the app unless a migration
-- revokes rights explicitly, as the log tables do.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO klarsyn_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO klarsyn_app;
GRANT SELECT ON schema_migrations TO klarsyn_app;

CREATE TABLE accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL,
  display_name text NOT NULL,
  -- argon2id PHC string; NULL for accounts that only log in through an external identity provider.
  password_hash text,
  external_issuer text,
  external_subject text,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz,
  CONSTRAINT accounts_username_form CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{1,63}$'),
  CONSTRAINT accounts_external_pair CHECK ((external_issuer IS NULL) = (external_subject IS NULL))
);
CREATE UNIQUE INDEX accounts_username_key ON accounts (username);
CREATE UNIQUE INDEX accounts_external_key ON accounts (external_issuer, external_subject)
  WHERE external_issuer IS NOT NULL;

CREATE TABLE account_roles (
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('researcher', 'steward', 'reviewer', 'admin')),
  -- A steward acts for one data authority (SDS, DST, a region); other roles have none.
  authority text NOT NULL DEFAULT '',
  CONSTRAINT account_roles_authority CHECK (
    (role = 'steward' AND authority ~ '^[A-Z][A-Z0-9-]{1,15}$') OR (role <> 'steward' AND authority = '')),
  PRIMARY KEY (account_id, role, authority)
);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name text NOT NULL,
  -- SHA-256 of the token; the token itself is shown once at creation and never stored.
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

CREATE TABLE refresh_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX refresh_sessions_account ON refresh_sessions (account_id);
