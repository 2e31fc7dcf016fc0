-- Per-project pseudonymisation keys (wrapped only) and extract versions.
CREATE TABLE project_keys (
  project_id uuid NOT NULL REFERENCES projects (id),
  version integer NOT NULL,
  -- AES-256-GCM under the master KEK (kw1.<kek id>.<iv>.<ciphertext>); NULL once destroyed.
  wrapped text,
  created_at timestamptz NOT NULL DEFAULT now(),
  destroyed_at timestamptz,
  PRIMARY KEY (project_id, version),
  CHECK ((wrapped IS NULL) = (destroyed_at IS NOT NULL))
);

CREATE TABLE extracts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id),
  version integer NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'published', 'failed')),
  requested_by uuid NOT NULL REFERENCES accounts (id),
  requested_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  -- 0..1, updated while the job runs.
  progress real NOT NULL DEFAULT 0,
  stage text NOT NULL DEFAULT 'queued',
  manifest jsonb,
  manifest_sha256 text,
  rows bigint,
  -- Why it failed, in words that never carry data values.
  error text,
  UNIQUE (project_id, version)
);
