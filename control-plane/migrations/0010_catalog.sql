-- The catalog: who holds which data, what each variable is, and where it lives.
CREATE TABLE data_authorities (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9-]{1,15}$'),
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  -- Output-control profile of this authority (policies/output/<profile>.yaml).
  output_profile text NOT NULL DEFAULT 'sds'
);

CREATE TABLE data_sources (
  id text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]{0,62}$'),
  authority text NOT NULL REFERENCES data_authorities (code),
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  coverage_from date NOT NULL,
  coverage_to date NOT NULL,
  -- Object-storage prefix of the source files (Parquet or CSV).
  location text NOT NULL,
  -- Column holding the person's CPR number, or NULL when persons are reached through link_*.
  person_column text,
  -- Column dating each row, used for the approved period; NULL when the source is not dated.
  period_column text,
  -- A source without a person column reaches persons through another source's record key.
  link_source text REFERENCES data_sources (id),
  link_column text,
  synthetic boolean NOT NULL DEFAULT false,
  CHECK (coverage_from <= coverage_to),
  CHECK ((link_source IS NULL) = (link_column IS NULL)),
  CHECK (person_column IS NOT NULL OR link_source IS NOT NULL)
);

CREATE TABLE data_variables (
  source_id text NOT NULL REFERENCES data_sources (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,62}$'),
  position integer NOT NULL,
  type text NOT NULL CHECK (type IN ('cpr', 'string', 'integer', 'number', 'date', 'boolean', 'record_id')),
  classification text NOT NULL CHECK (classification IN ('direct_identifier', 'quasi_identifier', 'sensitive', 'other')),
  description text NOT NULL DEFAULT '',
  PRIMARY KEY (source_id, name)
);
