import type { Observation } from './runtime.js';
import type { WorkspaceStatus } from './status.js';

/** What the workspace should become; the reconciler moves the status towards it. */
export type DesiredState = 'running' | 'stopped' | 'deleted';

export interface PlanInput {
  status: WorkspaceStatus;
  desired: DesiredState;
  kind: 'interactive' | 'batch';
  /** When the status last changed (ms since the epoch). */
  since: number;
  /** Last browser traffic through the proxy, or the start of the run. */
  lastActivity: number;
  credentialsExpireAt: number | null;
  /** The template's idle timeout (interactive) or maximum run time (batch). */
  limitMs: number;
  /** The project is approved and before its deletion date. */
  projectActive: boolean;
  /** What the runtime holds now; looked at for provisioning, running and stopping. */
  observed?: Observation;
  now: number;
  provisionTimeoutMs: number;
  /** Credentials are renewed once they have less than this left. */
  renewBeforeMs: number;
}

/** One step towards the desired state. The reconciler does it, then plans again. */
export type Step =
  | { kind: 'wait' }
  | { kind: 'move'; to: WorkspaceStatus; reason?: string; desired?: DesiredState }
  | { kind: 'apply' }
  | { kind: 'teardown' }
  | { kind: 'renew' }
  /** The workspace must go for good (its project ended): desired becomes deleted. */
  | { kind: 'retire'; reason: string }
  /** Stopped or failed and meant to be deleted: remove its outbox, then mark it deleted. */
  | { kind: 'purge' };

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/** The whole reconciliation policy, without I/O: given what is known, what to do next. */
export function nextStep(input: PlanInput): Step {
  const { status, desired, observed, now } = input;
  if (status === 'deleted') return { kind: 'wait' };
  // Nothing of an ended project may keep running or be kept (invariant 6: deletion deadline).
  if (!input.projectActive && desired !== 'deleted')
    return { kind: 'retire', reason: 'the project has ended' };
  switch (status) {
    case 'requested':
      return desired === 'running' ? { kind: 'move', to: 'provisioning' } : { kind: 'move', to: 'stopping' };
    case 'provisioning':
      if (desired !== 'running') return { kind: 'move', to: 'stopping' };
      if (observed?.phase === 'running' || observed?.phase === 'succeeded')
        return { kind: 'move', to: 'running' };
      if (observed?.phase === 'failed') return failed(observed.reason ?? 'the sandbox failed to start');
      if (now - input.since > input.provisionTimeoutMs) {
        return failed(`the sandbox did not start within ${Math.round(input.provisionTimeoutMs / 1000)} s`);
      }
      return { kind: 'apply' };
    case 'running':
      return running(input);
    case 'stopping':
      return observed?.phase === 'absent' ? { kind: 'move', to: 'stopped' } : { kind: 'teardown' };
    case 'stopped':
    case 'failed':
      return desired === 'deleted' ? { kind: 'purge' } : { kind: 'wait' };
  }
}

function running(input: PlanInput): Step {
  const { desired, observed, kind, now } = input;
  if (desired !== 'running') return { kind: 'move', to: 'stopping' };
  if (observed?.phase === 'absent') {
    // A batch run is not silently repeated; an interactive workspace is simply started again.
    return kind === 'batch'
      ? failed('the batch run was interrupted before it finished')
      : { kind: 'move', to: 'provisioning', reason: 'the runtime lost the sandbox; starting it again' };
  }
  if (observed?.phase === 'failed') return failed(observed.reason ?? 'the sandbox failed');
  if (observed?.phase === 'succeeded') {
    return kind === 'batch'
      ? { kind: 'move', to: 'stopping', desired: 'stopped', reason: 'the batch script finished' }
      : failed(observed.reason ?? 'the app exited');
  }
  if (kind === 'interactive' && now - input.lastActivity > input.limitMs) {
    return { kind: 'move', to: 'stopping', desired: 'stopped', reason: `idle for ${minutes(input.limitMs)}` };
  }
  if (kind === 'batch' && now - input.since > input.limitMs) {
    return failed(`the batch run exceeded its maximum run time of ${minutes(input.limitMs)}`);
  }
  if (input.credentialsExpireAt !== null && input.credentialsExpireAt - now < input.renewBeforeMs) {
    return { kind: 'renew' };
  }
  return { kind: 'wait' };
}

function failed(reason: string): Step {
  return { kind: 'move', to: 'failed', reason };
}
