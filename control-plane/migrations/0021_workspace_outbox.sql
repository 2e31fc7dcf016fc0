-- The client certificate a workspace's sandbox holds: only its newest is accepted, and only while
-- the workspace runs, so stopping a workspace (or issuing a new certificate) revokes the old one.
-- What a workspace submits with `klarsyn-outbox submit` becomes a release request (0030).
ALTER TABLE workspaces ADD COLUMN client_certificate_serial text;
