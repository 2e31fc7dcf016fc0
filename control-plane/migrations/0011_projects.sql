-- Applications become projects: the application text, its status, and each authority's decision.
CREATE TABLE projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  applicant uuid NOT NULL REFERENCES accounts (id),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN
    ('draft', 'submitted', 'partially_approved', 'approved', 'rejected', 'withdrawn', 'expired')),
  -- Each submission of changed text is a new revision; decisions belong to one revision.
  revision integer NOT NULL DEFAULT 1,
  application jsonb NOT NULL,
  authorities text[] NOT NULL,
  deletion_date date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX projects_applicant ON projects (applicant);
CREATE INDEX projects_authorities ON projects USING gin (authorities);

CREATE TABLE project_decisions (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  revision integer NOT NULL,
  authority text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approved', 'rejected')),
  reason text NOT NULL,
  decided_by uuid NOT NULL REFERENCES accounts (id),
  decided_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, revision, authority)
);

CREATE TABLE project_members (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts (id),
  role text NOT NULL CHECK (role IN ('applicant', 'member')),
  PRIMARY KEY (project_id, account_id)
);
