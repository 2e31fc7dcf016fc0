import type { Logger } from 'pino';

export interface PeriodicJob {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/**
 * Runs each job on its interval, one run at a time per job, logging failures instead of crashing
 * the server. Returns a stop function that waits for running jobs to finish.
 */
export function startPeriodicJobs(jobs: PeriodicJob[], logger: Logger): () => Promise<void> {
  const running = new Set<Promise<unknown>>();
  const timers = jobs.map((job) => {
    let busy = false;
    return setInterval(() => {
      if (busy) return;
      busy = true;
      const run = job
        .run()
        .catch((err) => logger.error({ err, job: job.name }, 'periodic job failed'))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    }, job.everyMs);
  });
  return async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.all(running);
  };
}
