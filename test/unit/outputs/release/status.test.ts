import t from 'tap';
import {
  assertTransition,
  isBlind,
  isEditable,
  RELEASE_STATUS,
  type ReleaseActor,
  stateDiagram,
  TRANSITIONS,
} from '../../../../control-plane/src/outputs/release/status.js';
import { checkEveryTriple, reachableFrom } from '../../../support/state-machine.js';

const ACTORS: ReleaseActor[] = ['author', 'reviewer', 'system'];

// The full table, written out: each allowed (from → to) with its one actor. Everything else is refused.
const ALLOWED: Record<string, ReleaseActor> = {
  'draft→submitted': 'author',
  'draft→withdrawn': 'author',
  'submitted→partially_reviewed': 'system',
  'submitted→reviewed': 'system',
  'submitted→returned': 'reviewer',
  'submitted→rejected': 'reviewer',
  'submitted→withdrawn': 'author',
  'partially_reviewed→reviewed': 'system',
  'partially_reviewed→returned': 'reviewer',
  'partially_reviewed→rejected': 'reviewer',
  'partially_reviewed→withdrawn': 'author',
  'reviewed→approved': 'reviewer',
  'reviewed→returned': 'reviewer',
  'reviewed→rejected': 'reviewer',
  'reviewed→withdrawn': 'author',
  'approved→released': 'reviewer',
  'approved→withdrawn': 'author',
  'returned→submitted': 'author',
  'returned→withdrawn': 'author',
};

t.test('every (from, to, actor) triple is allowed exactly when the table says so', async (t) => {
  checkEveryTriple(t, { states: RELEASE_STATUS, actors: ACTORS, assert: assertTransition }, ALLOWED);
});

t.test('final states have no way out, and every state is reachable from draft', async (t) => {
  for (const s of ['released', 'rejected', 'withdrawn'] as const) t.same(TRANSITIONS[s], {}, `${s} is final`);
  t.same(reachableFrom(TRANSITIONS, 'draft'), [...RELEASE_STATUS].sort());
});

t.test('invariant 5: the author never moves a request towards release, reviewers never submit', async (t) => {
  for (const to of ['partially_reviewed', 'reviewed', 'approved', 'released'] as const) {
    for (const from of RELEASE_STATUS) {
      t.notOk(TRANSITIONS[from][to] === 'author', `the author cannot make a request ${to}`);
    }
  }
  t.throws(() => assertTransition('reviewed', 'approved', 'author'), { code: 'forbidden' });
  t.throws(() => assertTransition('draft', 'submitted', 'reviewer'), { code: 'forbidden' });
});

t.test('released only from approved: nothing skips the review', async (t) => {
  for (const from of RELEASE_STATUS) {
    if (from !== 'approved') t.equal(TRANSITIONS[from].released, undefined, `${from} cannot be released`);
  }
  t.throws(() => assertTransition('submitted', 'released', 'reviewer'), { code: 'conflict' });
});

t.test('a wrong actor is forbidden, an impossible move is a conflict', async (t) => {
  t.throws(() => assertTransition('submitted', 'returned', 'author'), { code: 'forbidden' });
  t.throws(() => assertTransition('rejected', 'submitted', 'author'), { code: 'conflict' });
});

t.test('blind while votes come in; editable only as a draft or when returned', async (t) => {
  t.same(RELEASE_STATUS.filter(isBlind), ['submitted', 'partially_reviewed']);
  t.same(RELEASE_STATUS.filter(isEditable), ['draft', 'returned']);
});

t.test(
  'the state diagram is generated from the table: every move with its actor, every final state',
  async (t) => {
    const diagram = stateDiagram();
    for (const [move, actor] of Object.entries(ALLOWED)) {
      t.match(diagram, `  ${move.replace('→', ' --> ')}: ${actor}\n`, move);
    }
    for (const s of ['released', 'rejected', 'withdrawn']) t.match(diagram, `  ${s} --> [*]\n`);
    t.equal(diagram.split('\n').filter((l) => l.includes('-->')).length, Object.keys(ALLOWED).length + 4);
  },
);
