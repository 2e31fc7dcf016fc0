-- Full tiles also keep their inner levels (levels 1..7 above their hashes, 254 hashes), computed
-- once at integration: an inclusion proof then reads its siblings instead of hashing about 250
-- nodes per tile, which dominated proof latency (test/bench/tlog.ts). Partial tiles have none;
-- tiles written before this migration get theirs from klarsyn log rebuild-tiles, and are read
-- by hashing until then. Hashes are random bytes: storing them uncompressed skips a futile pglz.

SET LOCAL ROLE klarsyn_log_owner;

ALTER TABLE tlog_tiles
  ADD COLUMN inner_hashes bytea CHECK (inner_hashes IS NULL OR length(inner_hashes) = 8128),
  ALTER COLUMN hashes SET STORAGE EXTERNAL;
ALTER TABLE tlog_tiles ALTER COLUMN inner_hashes SET STORAGE EXTERNAL;

RESET ROLE;
