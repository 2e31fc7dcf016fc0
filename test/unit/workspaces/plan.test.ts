import t from 'tap';
import { nextStep, type PlanInput } from '../../../control-plane/src/workspaces/plan.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const MIN = 60_000;

function input(change: Partial<PlanInput>): PlanInput {
  return {
    status: 'running',
    desired: 'running',
    kind: 'interactive',
    since: NOW - MIN,
    lastActivity: NOW - MIN,
    credentialsExpireAt: null,
    limitMs: 60 * MIN,
    projectActive: true,
    observed: { phase: 'running' },
    now: NOW,
    provisionTimeoutMs: 5 * MIN,
    renewBeforeMs: 10 * MIN,
    ...change,
  };
}

t.test('a launch goes requested → provisioning → running', async (t) => {
  t.same(nextStep(input({ status: 'requested', observed: { phase: 'absent' } })), {
    kind: 'move',
    to: 'provisioning',
  });
  t.same(
    nextStep(input({ status: 'provisioning', observed: { phase: 'absent' } })),
    { kind: 'apply' },
    'apply repairs',
  );
  t.same(nextStep(input({ status: 'provisioning', observed: { phase: 'pending' } })), { kind: 'apply' });
  t.same(nextStep(input({ status: 'provisioning' })), { kind: 'move', to: 'running' });
  t.same(nextStep(input({})), { kind: 'wait' }, 'running and wanted: nothing to do');
});

t.test('provisioning fails with the reason, or after the timeout', async (t) => {
  t.same(
    nextStep(input({ status: 'provisioning', observed: { phase: 'failed', reason: 'image missing' } })),
    {
      kind: 'move',
      to: 'failed',
      reason: 'image missing',
    },
  );
  t.match(nextStep(input({ status: 'provisioning', since: NOW - 6 * MIN, observed: { phase: 'pending' } })), {
    kind: 'move',
    to: 'failed',
    reason: /did not start within 300 s/,
  });
});

t.test('stop and delete go through stopping, which tears down until nothing is left', async (t) => {
  for (const status of ['requested', 'provisioning', 'running'] as const) {
    t.same(nextStep(input({ status, desired: 'stopped' })), { kind: 'move', to: 'stopping' }, status);
  }
  t.same(nextStep(input({ status: 'stopping', desired: 'stopped' })), { kind: 'teardown' });
  t.same(nextStep(input({ status: 'stopping', desired: 'stopped', observed: { phase: 'absent' } })), {
    kind: 'move',
    to: 'stopped',
  });
  t.same(nextStep(input({ status: 'stopped', desired: 'stopped' })), { kind: 'wait' });
  t.same(nextStep(input({ status: 'stopped', desired: 'deleted' })), { kind: 'purge' });
  t.same(nextStep(input({ status: 'failed', desired: 'deleted' })), { kind: 'purge' });
  t.same(
    nextStep(input({ status: 'failed', desired: 'running' })),
    { kind: 'wait' },
    'failed waits for a restart',
  );
  t.same(nextStep(input({ status: 'deleted', desired: 'deleted' })), { kind: 'wait' });
});

t.test('invariant 6: workspaces of an ended project are retired, whatever their state', async (t) => {
  for (const status of ['requested', 'provisioning', 'running', 'stopping', 'stopped', 'failed'] as const) {
    t.same(
      nextStep(input({ status, projectActive: false })),
      { kind: 'retire', reason: 'the project has ended' },
      status,
    );
  }
  t.same(nextStep(input({ status: 'running', desired: 'deleted', projectActive: false })), {
    kind: 'move',
    to: 'stopping',
  });
  t.same(nextStep(input({ status: 'stopped', desired: 'deleted', projectActive: false })), { kind: 'purge' });
});

t.test('invariant 6: an idle interactive workspace stops; a batch run past its time fails', async (t) => {
  t.same(nextStep(input({ lastActivity: NOW - 61 * MIN })), {
    kind: 'move',
    to: 'stopping',
    desired: 'stopped',
    reason: 'idle for 60 min',
  });
  t.same(nextStep(input({ lastActivity: NOW - 59 * MIN })), { kind: 'wait' });
  t.match(nextStep(input({ kind: 'batch', since: NOW - 61 * MIN, lastActivity: 0 })), {
    kind: 'move',
    to: 'failed',
    reason: /maximum run time of 60 min/,
  });
  t.same(nextStep(input({ kind: 'batch', lastActivity: 0 })), { kind: 'wait' }, 'batch runs are never idle');
});

t.test('a lost sandbox is started again, unless it was a batch run', async (t) => {
  t.match(nextStep(input({ observed: { phase: 'absent' } })), { kind: 'move', to: 'provisioning' });
  t.match(nextStep(input({ kind: 'batch', observed: { phase: 'absent' } })), {
    kind: 'move',
    to: 'failed',
    reason: /interrupted/,
  });
});

t.test('a batch run ends: success stops it, failure fails it with the reason', async (t) => {
  t.same(nextStep(input({ kind: 'batch', observed: { phase: 'succeeded' } })), {
    kind: 'move',
    to: 'stopping',
    desired: 'stopped',
    reason: 'the batch script finished',
  });
  t.same(
    nextStep(
      input({ kind: 'batch', observed: { phase: 'failed', reason: 'the script exited with code 3' } }),
    ),
    {
      kind: 'move',
      to: 'failed',
      reason: 'the script exited with code 3',
    },
  );
  t.match(
    nextStep(input({ observed: { phase: 'succeeded' } })),
    { kind: 'move', to: 'failed' },
    'an app must not exit',
  );
});

t.test('credentials are renewed before they expire', async (t) => {
  t.same(nextStep(input({ credentialsExpireAt: NOW + 5 * MIN })), { kind: 'renew' });
  t.same(nextStep(input({ credentialsExpireAt: NOW + 30 * MIN })), { kind: 'wait' });
});
