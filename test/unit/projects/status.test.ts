import t from 'tap';
import {
  assertTransition,
  FINAL_STATUSES,
  PROJECT_STATUS,
  type ProjectActor,
  TRANSITIONS,
} from '../../../control-plane/src/projects/status.js';
import { checkEveryTriple, reachableFrom } from '../../support/state-machine.js';

const ACTORS: ProjectActor[] = ['applicant', 'steward', 'system'];

// The full table, written out: each allowed (from → to) with its one actor. Everything else is refused.
const ALLOWED: Record<string, ProjectActor> = {
  'draft→submitted': 'applicant',
  'draft→withdrawn': 'applicant',
  'submitted→partially_approved': 'steward',
  'submitted→approved': 'steward',
  'submitted→rejected': 'steward',
  'submitted→withdrawn': 'applicant',
  'partially_approved→approved': 'steward',
  'partially_approved→rejected': 'steward',
  'partially_approved→withdrawn': 'applicant',
  'partially_approved→submitted': 'applicant',
  'approved→submitted': 'applicant',
  'approved→expired': 'system',
  'approved→withdrawn': 'applicant',
};

t.test('every (from, to, actor) triple is allowed exactly when the table says so', async (t) => {
  checkEveryTriple(t, { states: PROJECT_STATUS, actors: ACTORS, assert: assertTransition }, ALLOWED);
});

t.test('final states have no way out, and every non-final state is reachable from draft', async (t) => {
  for (const s of ['rejected', 'withdrawn', 'expired'] as const) t.same(TRANSITIONS[s], {}, `${s} is final`);
  t.same(
    [...FINAL_STATUSES].sort(),
    ['expired', 'rejected', 'withdrawn'],
    'and only these (their data is deleted)',
  );
  t.same(reachableFrom(TRANSITIONS, 'draft'), [...PROJECT_STATUS].sort());
});

t.test('a wrong actor is forbidden, an impossible move is a conflict', async (t) => {
  t.throws(() => assertTransition('submitted', 'approved', 'applicant'), { code: 'forbidden' });
  t.throws(() => assertTransition('rejected', 'approved', 'steward'), { code: 'conflict' });
});
