-- The transparency log (audit/store). Everything here is owned by klarsyn_log_owner, so the
-- runtime role klarsyn_app can append and read but never rewrite:
--   tlog_pending      events appended inside the caller's transaction, not yet in the tree
--   tlog_entries      the log: contiguous indices, canonical JSON bytes, RFC 9162 leaf hashes
--   tlog_tree         one row, the number of entries; locking it serialises integration
--   tlog_checkpoints  every signed checkpoint (C2SP tlog-checkpoint notes)
--   tlog_cosignatures witness cosignature lines per checkpoint
--   tlog_tiles        C2SP tlog-tiles hashes: a cache, rebuildable from tlog_entries
-- Integration moves pending rows into tlog_entries through tlog_take_pending(), a SECURITY
-- DEFINER function, so the app role never needs UPDATE or DELETE on any log table.

SET LOCAL ROLE klarsyn_log_owner;

CREATE TABLE tlog_pending (
  -- Orders pending events only; log indices are assigned at integration, under the tree lock.
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32),
  data bytea NOT NULL CHECK (length(data) BETWEEN 1 AND 65535)
);

CREATE TABLE tlog_entries (
  idx bigint PRIMARY KEY CHECK (idx >= 0),
  leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32),
  data bytea NOT NULL CHECK (length(data) BETWEEN 1 AND 65535)
);

CREATE TABLE tlog_tree (
  id smallint PRIMARY KEY CHECK (id = 1),
  size bigint NOT NULL CHECK (size >= 0)
);
INSERT INTO tlog_tree (id, size) VALUES (1, 0);

CREATE TABLE tlog_checkpoints (
  size bigint PRIMARY KEY CHECK (size >= 0),
  root bytea NOT NULL CHECK (length(root) = 32),
  note text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE tlog_cosignatures (
  size bigint NOT NULL REFERENCES tlog_checkpoints (size),
  -- The witness verifier key (vkey), so the line can be checked without other configuration.
  witness text NOT NULL,
  line text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (size, witness)
);

CREATE TABLE tlog_tiles (
  level smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
  idx bigint NOT NULL CHECK (idx >= 0),
  hashes bytea NOT NULL CHECK (length(hashes) BETWEEN 32 AND 8192 AND length(hashes) % 32 = 0),
  PRIMARY KEY (level, idx)
);

-- Append-only: no UPDATE, DELETE or TRUNCATE by anyone but a superuser who first disables the
-- triggers. ENABLE ALWAYS keeps them firing under session_replication_role = replica too.
CREATE FUNCTION tlog_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the transparency log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER tlog_entries_append_only BEFORE UPDATE OR DELETE ON tlog_entries
  FOR EACH ROW EXECUTE FUNCTION tlog_reject_change();
CREATE TRIGGER tlog_entries_no_truncate BEFORE TRUNCATE ON tlog_entries
  FOR EACH STATEMENT EXECUTE FUNCTION tlog_reject_change();
CREATE TRIGGER tlog_checkpoints_append_only BEFORE UPDATE OR DELETE ON tlog_checkpoints
  FOR EACH ROW EXECUTE FUNCTION tlog_reject_change();
CREATE TRIGGER tlog_checkpoints_no_truncate BEFORE TRUNCATE ON tlog_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION tlog_reject_change();
CREATE TRIGGER tlog_cosignatures_append_only BEFORE UPDATE OR DELETE ON tlog_cosignatures
  FOR EACH ROW EXECUTE FUNCTION tlog_reject_change();
CREATE TRIGGER tlog_cosignatures_no_truncate BEFORE TRUNCATE ON tlog_cosignatures
  FOR EACH STATEMENT EXECUTE FUNCTION tlog_reject_change();
-- Pending events leave only by integration (a DELETE inside tlog_take_pending).
CREATE TRIGGER tlog_pending_no_update BEFORE UPDATE ON tlog_pending
  FOR EACH ROW EXECUTE FUNCTION tlog_reject_change();
CREATE TRIGGER tlog_pending_no_truncate BEFORE TRUNCATE ON tlog_pending
  FOR EACH STATEMENT EXECUTE FUNCTION tlog_reject_change();

ALTER TABLE tlog_entries ENABLE ALWAYS TRIGGER tlog_entries_append_only;
ALTER TABLE tlog_entries ENABLE ALWAYS TRIGGER tlog_entries_no_truncate;
ALTER TABLE tlog_checkpoints ENABLE ALWAYS TRIGGER tlog_checkpoints_append_only;
ALTER TABLE tlog_checkpoints ENABLE ALWAYS TRIGGER tlog_checkpoints_no_truncate;
ALTER TABLE tlog_cosignatures ENABLE ALWAYS TRIGGER tlog_cosignatures_append_only;
ALTER TABLE tlog_cosignatures ENABLE ALWAYS TRIGGER tlog_cosignatures_no_truncate;
ALTER TABLE tlog_pending ENABLE ALWAYS TRIGGER tlog_pending_no_update;
ALTER TABLE tlog_pending ENABLE ALWAYS TRIGGER tlog_pending_no_truncate;

-- Takes up to max_rows pending events in order and gives them the next contiguous indices.
-- The caller computes the tree from the returned leaf hashes and calls tlog_publish() in the same
-- transaction; until it commits, the row lock on tlog_tree keeps every other integrator waiting.
CREATE FUNCTION tlog_take_pending(max_rows integer)
RETURNS TABLE (idx bigint, leaf_hash bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  base bigint;
  taken bigint;
BEGIN
  SELECT t.size INTO base FROM tlog_tree t WHERE t.id = 1 FOR UPDATE;
  RETURN QUERY
    WITH moved AS (
      DELETE FROM tlog_pending p
      WHERE p.id IN (SELECT q.id FROM tlog_pending q ORDER BY q.id LIMIT max_rows)
      RETURNING p.id, p.leaf_hash, p.data
    ), placed AS (
      INSERT INTO tlog_entries (idx, leaf_hash, data)
      SELECT base + row_number() OVER (ORDER BY m.id) - 1, m.leaf_hash, m.data FROM moved m
      RETURNING tlog_entries.idx, tlog_entries.leaf_hash
    )
    SELECT pl.idx, pl.leaf_hash FROM placed pl ORDER BY pl.idx;
  GET DIAGNOSTICS taken = ROW_COUNT;
  UPDATE tlog_tree t SET size = base + taken WHERE t.id = 1;
END
$$;

-- Locks the tree for the rest of the transaction and returns its size (signing the first
-- checkpoint, rebuilding tiles). The app role has no UPDATE right to lock the row itself.
CREATE FUNCTION tlog_lock_tree()
RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.size FROM tlog_tree t WHERE t.id = 1 FOR UPDATE
$$;

-- Records the signed checkpoint of the tree as it stands in this transaction.
CREATE FUNCTION tlog_publish(new_size bigint, new_root bytea, new_note text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM 1 FROM tlog_tree t WHERE t.id = 1 AND t.size = new_size FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'checkpoint size % is not the size of the tree', new_size;
  END IF;
  INSERT INTO tlog_checkpoints (size, root, note) VALUES (new_size, new_root, new_note);
END
$$;

REVOKE ALL ON tlog_pending, tlog_entries, tlog_tree, tlog_checkpoints, tlog_cosignatures, tlog_tiles
  FROM PUBLIC;
REVOKE ALL ON FUNCTION tlog_take_pending(integer), tlog_lock_tree(), tlog_publish(bigint, bytea, text),
  tlog_reject_change() FROM PUBLIC;
GRANT INSERT, SELECT ON tlog_pending TO klarsyn_app;
GRANT SELECT ON tlog_entries, tlog_tree, tlog_checkpoints TO klarsyn_app;
GRANT INSERT, SELECT ON tlog_cosignatures TO klarsyn_app;
-- Tiles are a cache: anything wrong in them makes proofs fail verification, never pass.
GRANT SELECT, INSERT, UPDATE, DELETE ON tlog_tiles TO klarsyn_app;
GRANT EXECUTE ON FUNCTION tlog_take_pending(integer), tlog_lock_tree(), tlog_publish(bigint, bytea, text)
  TO klarsyn_app;

RESET ROLE;
