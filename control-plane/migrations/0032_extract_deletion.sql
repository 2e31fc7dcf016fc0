-- When an ended project's extract files were deleted (with its keys, invariant 2). The row stays:
-- the register and the log keep what was made, by whom, and its manifest hash.
ALTER TABLE extracts ADD COLUMN deleted_at timestamptz;
