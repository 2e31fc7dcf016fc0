import t from 'tap';
import {
  ACTIVE_STATUSES,
  assertTransition,
  TRANSITIONS,
  WORKSPACE_STATUS,
  type WorkspaceActor,
} from '../../../control-plane/src/workspaces/status.js';
import { checkEveryTriple, reachableFrom } from '../../support/state-machine.js';

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
  checkEveryTriple(t, { states: WORKSPACE_STATUS, actors: ACTORS, assert: assertTransition }, ALLOWED);
});

t.test('failed is reachable from every active state, by the reconciler only', async (t) => {
  for (const from of ACTIVE_STATUSES) t.same(TRANSITIONS[from].failed, ['system'], from);
});

t.test('deleted is final and every state is reachable from requested', async (t) => {
  t.same(TRANSITIONS.deleted, {});
  t.same(reachableFrom(TRANSITIONS, 'requested'), [...WORKSPACE_STATUS].sort());
});

t.test('a wrong actor is forbidden, an impossible move is a conflict', async (t) => {
  t.throws(() => assertTransition('requested', 'provisioning', 'member'), { code: 'forbidden' });
  t.throws(() => assertTransition('stopped', 'requested', 'admin'), { code: 'forbidden' });
  t.throws(() => assertTransition('deleted', 'requested', 'member'), { code: 'conflict' });
  t.throws(() => assertTransition('running', 'running', 'system'), { code: 'conflict' });
});
