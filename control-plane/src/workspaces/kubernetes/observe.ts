import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { Observation } from '../runtime.js';

/** A workspace pod as the reconciler sees it: running only once Ready (the app answers). */
export function podObservation(pod: V1Pod): Observation {
  const status = pod.status;
  const container = status?.containerStatuses?.[0];
  switch (status?.phase) {
    case 'Running': {
      const ready = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return ready ? { phase: 'running' } : { phase: 'pending', reason: 'the app is starting' };
    }
    case 'Succeeded':
      return { phase: 'succeeded' };
    case 'Failed': {
      const ended = container?.state?.terminated;
      return {
        phase: 'failed',
        reason: ended
          ? `the app exited with code ${ended.exitCode}${ended.reason ? ` (${ended.reason})` : ''}`
          : (status.reason ?? 'the pod failed'),
      };
    }
    default: {
      const waiting = container?.state?.waiting?.reason;
      return { phase: 'pending', ...(waiting ? { reason: waiting } : {}) };
    }
  }
}

/**
 * A batch Job: its conditions say whether the script finished, failed or ran out of time. Undefined
 * while it has none and its count of ready pods does not (yet) say it runs: ask its pod then.
 */
export function jobObservation(job: V1Job): Observation | undefined {
  const condition = (type: string) =>
    job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
  if (condition('Complete')) return { phase: 'succeeded' };
  const failed = condition('Failed');
  if (failed) {
    return {
      phase: 'failed',
      reason:
        failed.reason === 'DeadlineExceeded'
          ? 'the batch run exceeded its maximum run time'
          : `the script failed${failed.message ? `: ${failed.message}` : ''}`,
    };
  }
  return (job.status?.ready ?? 0) > 0 ? { phase: 'running' } : undefined;
}
