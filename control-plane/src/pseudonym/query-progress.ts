import type { DuckDBConnection } from '@duckdb/node-api';

const POLL_MS = 250;

/**
 * Runs `query` on `db` while reporting DuckDB's own progress of it (rows processed out of the
 * rows it expects), for progress bars on long copies.
 */
export async function followProgress<T>(
  db: DuckDBConnection,
  onProgress: (done: number, total: number) => void,
  query: () => Promise<T>,
): Promise<T> {
  // Progress is tracked only with the progress bar on; printing it stays off.
  await db.run('SET enable_progress_bar = true');
  await db.run('SET enable_progress_bar_print = false');
  const timer = setInterval(() => {
    const p = db.progress;
    if (p.percentage >= 0) onProgress(Number(p.rows_processed), Number(p.total_rows_to_process));
  }, POLL_MS);
  try {
    return await query();
  } finally {
    clearInterval(timer);
  }
}
