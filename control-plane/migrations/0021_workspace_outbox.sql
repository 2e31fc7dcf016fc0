-- The client certificate a workspace's sandbox holds: only its newest is accepted, and only while
-- the workspace runs, so stopping a workspace (or issuing a new certificate) revokes the old one.
ALTER TABLE workspaces ADD COLUMN client_certificate_serial text;

-- Outputs a workspace submitted for release with `klarsyn-outbox submit`: the files as they were
-- then (name, size, SHA-256) and the researcher's context. Output control takes them from here.
CREATE TABLE workspace_submissions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces (id),
  project_id uuid NOT NULL REFERENCES projects (id),
  -- The workspace's creator: the author of the release request, who may not review it.
  submitted_by uuid NOT NULL REFERENCES accounts (id),
  files jsonb NOT NULL,
  context text NOT NULL,
  submitted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workspace_submissions_project ON workspace_submissions (project_id, submitted_at);
