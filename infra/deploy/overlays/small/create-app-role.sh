#!/bin/sh
# First start of the in-cluster PostgreSQL: the runtime login of the control plane. Migration 0001
# (run by the owner, POSTGRES_USER) grants it what it may do; it owns nothing.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set app_password="$KLARSYN_APP_PASSWORD" <<'SQL'
CREATE ROLE klarsyn_app LOGIN PASSWORD :'app_password';
SQL
