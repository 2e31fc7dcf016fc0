-- Workspaces: what each one is (template, extract version, runtime), where it is (status) and where
-- the reconciler drives it (desired). Rows are never removed: `deleted` is a status, so the history
-- stays next to the transparency log that records it.
CREATE TABLE workspaces (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id),
  template text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('interactive', 'batch')),
  runtime text NOT NULL CHECK (runtime IN ('local', 'kubernetes')),
  extract_version integer NOT NULL,
  -- The batch script (starts with #!); interactive workspaces have none.
  script text,
  status text NOT NULL DEFAULT 'requested' CHECK (status IN
    ('requested', 'provisioning', 'running', 'stopping', 'stopped', 'failed', 'deleted')),
  desired text NOT NULL DEFAULT 'running' CHECK (desired IN ('running', 'stopped', 'deleted')),
  -- Why it failed or why the platform stopped it; words without data.
  reason text,
  -- Presented by the proxy to the app in the sandbox, so only the proxy's requests are answered.
  app_token text NOT NULL,
  created_by uuid NOT NULL REFERENCES accounts (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  credentials_expire_at timestamptz,
  FOREIGN KEY (project_id, extract_version) REFERENCES extracts (project_id, version),
  CHECK ((kind = 'batch') = (script IS NOT NULL))
);
CREATE INDEX workspaces_project ON workspaces (project_id);
CREATE INDEX workspaces_live ON workspaces (status) WHERE status <> 'deleted';

-- Browser access through the proxy: a one-time ticket (from the API) is exchanged for a session
-- cookie bound to one account and one workspace. Only hashes are stored.
CREATE TABLE workspace_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces (id),
  account_id uuid NOT NULL REFERENCES accounts (id),
  ticket_hash bytea UNIQUE,
  ticket_expires_at timestamptz,
  -- Set when the ticket is exchanged; the cookie holds the token, the database its hash.
  session_hash bytea UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX workspace_sessions_workspace ON workspace_sessions (workspace_id);
