-- Failed logins, shared by every replica so that two replicas do not double the limit and a
-- restart does not reset it. Keys are SHA-256 of `user:<name>` or `ip:<address>`: a username
-- field often receives a password by mistake, so no typed text is kept, and rows older than the
-- window are deleted as new failures arrive.
CREATE TABLE login_failures (
  key bytea NOT NULL CHECK (length(key) = 32),
  failed_at timestamptz NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, failed_at DESC);
CREATE INDEX login_failures_age ON login_failures (failed_at);
