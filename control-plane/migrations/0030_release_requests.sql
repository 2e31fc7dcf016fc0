-- Release requests: outputs a researcher asks to take out of a workspace, their automatic check
-- results, the reviewers' votes, and what was released. Rows are never removed: `withdrawn`,
-- `rejected` and `released` are states, so the history stays next to the log that records it.
CREATE TABLE release_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id),
  -- The workspace whose outbox the files come from (no foreign key: output control reads the
  -- outbox by its storage prefix and does not depend on the workspaces' tables).
  workspace_id uuid NOT NULL,
  -- The author may not review the request (invariant 5).
  author uuid NOT NULL REFERENCES accounts (id),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'partially_reviewed',
    'reviewed', 'approved', 'released', 'returned', 'rejected', 'withdrawn')),
  -- What the files show and how they were made, for the reviewers.
  context text NOT NULL,
  -- The outputs.yaml files beside the request's files, as they were when the files were taken.
  metadata jsonb NOT NULL DEFAULT '{"files": []}',
  -- The reviewers' public comment on the last return or rejection.
  comment text,
  -- Which profile the automatic checks applied, when they last ran.
  profile text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  submitted_at timestamptz,
  released_at timestamptz
);
CREATE INDEX release_requests_project ON release_requests (project_id, created_at);
CREATE INDEX release_requests_review ON release_requests (status)
  WHERE status IN ('submitted', 'partially_reviewed', 'reviewed', 'approved');

-- The files of a request, each a snapshot the control plane took from the outbox (content-addressed
-- under the request's release prefix), so a workspace cannot change a file after it was checked.
CREATE TABLE release_files (
  id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL REFERENCES release_requests (id),
  name text NOT NULL,
  -- Replacing a file starts a new revision; votes on earlier revisions no longer count.
  revision integer NOT NULL DEFAULT 1,
  size bigint NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  verdict text CHECK (verdict IN ('pass', 'review', 'block')),
  findings jsonb,
  removed boolean NOT NULL DEFAULT false,
  released_at timestamptz,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, name)
);

CREATE TABLE release_votes (
  request_id uuid NOT NULL REFERENCES release_requests (id),
  file text NOT NULL,
  revision integer NOT NULL,
  reviewer uuid NOT NULL REFERENCES accounts (id),
  vote text NOT NULL CHECK (vote IN ('approve', 'changes_requested')),
  comment text NOT NULL DEFAULT '',
  voted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, file, revision, reviewer),
  FOREIGN KEY (request_id, file) REFERENCES release_files (request_id, name)
);
