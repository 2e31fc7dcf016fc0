import t from 'tap';
import {
  ACTIVE_STATUSES,
  assertTransition,
  TRANSITIONS,
  WORKSPACE_STATUS,
  type WorkspaceActor,
} from '../../../control-plane/src/workspaces/status.js';

const ACTORS: WorkspaceActor[] = ['member', 'admin', 'system'];
const ANYONE: WorkspaceActor[] = ['member', 'admin', 'system'];

// The full table, written out: each allowed (from → to) with who may make it. Everything else is refused.
const ALLOWED: Record<string, WorkspaceActor[]> = {
  'requested→provisioning': ['system'],
  'requested→stopping': ANYONE,
  'requested→failed': ['system'],
  'provisioning→running': ['system'],
  'provisioning→stopping': ANYONE,
  'provisioning→failed': ['system'],
  'running→stopping': ANYONE,
  'running→provisioning': ['system'],
  'running→failed': ['system'],
  'stopping→stopped': ['system'],
  'stopping→failed': ['system'],
  'stopped→requested': ['member'],
  'stopped→deleted': ANYONE,
  'failed→requested': ['member'],
  'failed→deleted': ANYONE,
};

t.test('every (from, to, actor) triple is allowed exactly when the table says so', async (t) => {
  for (const from of WORKSPACE_STATUS) {
    for (const to of WORKSPACE_STATUS) {
      for (const actor of ACTORS) {
        const expected = ALLOWED[`${from}→${to}`]?.includes(actor) ?? false;
        if (expected) t.doesNotThrow(() => assertTransition(from, to, actor), `${actor}: ${from} → ${to}`);
        else t.throws(() => assertTransition(from, to, actor), `${actor} may not move ${from} → ${to}`);
      }
    }
  }
});

t.test('failed is reachable from every active state, by the reconciler only', async (t) => {
  for (const from of ACTIVE_STATUSES) t.same(TRANSITIONS[from].failed, ['system'], from);
});

t.test('deleted is final and every state is reachable from requested', async (t) => {
  t.same(TRANSITIONS.deleted, {});
  const reached = new Set<string>(['requested']);
  for (let changed = true; changed; ) {
    changed = false;
    for (const from of [...reached]) {
      for (const to of Object.keys(TRANSITIONS[from as keyof typeof TRANSITIONS])) {
        if (!reached.has(to)) {
          reached.add(to);
          changed = true;
        }
      }
    }
  }
  t.same([...reached].sort(), [...WORKSPACE_STATUS].sort());
});

t.test('a wrong actor is forbidden, an impossible move is a conflict', async (t) => {
  t.throws(() => assertTransition('requested', 'provisioning', 'member'), { code: 'forbidden' });
  t.throws(() => assertTransition('stopped', 'requested', 'admin'), { code: 'forbidden' });
  t.throws(() => assertTransition('deleted', 'requested', 'member'), { code: 'conflict' });
  t.throws(() => assertTransition('running', 'running', 'system'), { code: 'conflict' });
});
