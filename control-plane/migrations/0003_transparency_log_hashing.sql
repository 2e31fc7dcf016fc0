-- Two changes to 0002 found under load (test/bench/tlog.ts):
-- 1. The RFC 9162 leaf hash SHA-256(0x00 || data) is computed by the database: a stored leaf hash
--    then always matches its entry, and hashing in C costs far less than in the appender.
-- 2. tlog_take_pending bounds the batch by an id cutoff instead of "id IN (... LIMIT n)": the
--    pending table churns faster than its statistics, and a misestimated semi-join went quadratic.

SET LOCAL ROLE klarsyn_log_owner;

ALTER TABLE tlog_pending DROP COLUMN leaf_hash;
ALTER TABLE tlog_pending
  ADD COLUMN leaf_hash bytea NOT NULL GENERATED ALWAYS AS (sha256('\x00'::bytea || data)) STORED;
ALTER TABLE tlog_entries DROP COLUMN leaf_hash;
ALTER TABLE tlog_entries
  ADD COLUMN leaf_hash bytea NOT NULL GENERATED ALWAYS AS (sha256('\x00'::bytea || data)) STORED;

CREATE OR REPLACE FUNCTION tlog_take_pending(max_rows integer)
RETURNS TABLE (idx bigint, leaf_hash bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  base bigint;
  cutoff bigint;
  taken bigint;
BEGIN
  SELECT t.size INTO base FROM tlog_tree t WHERE t.id = 1 FOR UPDATE;
  -- Events of transactions still in flight are not visible here and wait for the next batch.
  SELECT q.id INTO cutoff FROM tlog_pending q ORDER BY q.id OFFSET max_rows - 1 LIMIT 1;
  RETURN QUERY
    WITH moved AS (
      DELETE FROM tlog_pending p
      WHERE cutoff IS NULL OR p.id <= cutoff
      RETURNING p.id, p.data
    ), placed AS (
      INSERT INTO tlog_entries (idx, data)
      SELECT base + row_number() OVER (ORDER BY m.id) - 1, m.data FROM moved m
      RETURNING tlog_entries.idx, tlog_entries.leaf_hash
    )
    SELECT pl.idx, pl.leaf_hash FROM placed pl ORDER BY pl.idx;
  GET DIAGNOSTICS taken = ROW_COUNT;
  UPDATE tlog_tree t SET size = base + taken WHERE t.id = 1;
END
$$;

RESET ROLE;
