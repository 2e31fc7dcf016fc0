import t from 'tap';
import {
  approvalProblems,
  isReviewed,
  statusAfterVotes,
  tally,
  type Vote,
  type VotedFile,
  visibleVotes,
  voteProblem,
} from '../../../../control-plane/src/outputs/release/votes.js';

const file = (name: string, verdict: VotedFile['verdict'] = 'pass', revision = 1): VotedFile => ({
  name,
  revision,
  verdict,
});
const vote = (f: string, reviewer: string, v: Vote['vote'] = 'approve', revision = 1): Vote => ({
  file: f,
  revision,
  reviewer,
  vote: v,
  comment: v === 'approve' ? '' : 'round to 5',
  votedAt: '2026-01-01T00:00:00.000Z',
});

t.test('invariant 5: N approvals per file, from different reviewers', async (t) => {
  const files = [file('a.csv'), file('b.csv')];
  t.match(approvalProblems(files, [vote('a.csv', 'r1'), vote('b.csv', 'r1')], 2), [
    /a\.csv has 1 of the 2/,
    /b\.csv has 1 of the 2/,
  ]);
  t.same(
    approvalProblems(
      files,
      [vote('a.csv', 'r1'), vote('a.csv', 'r1'), vote('b.csv', 'r1'), vote('b.csv', 'r2')],
      2,
    ).length,
    1,
    'one reviewer twice is still one approval',
  );
  const enough = ['a.csv', 'b.csv'].flatMap((f) => [vote(f, 'r1'), vote(f, 'r2')]);
  t.same(approvalProblems(files, enough, 2), []);
  t.match(approvalProblems(files, enough, 3), [/2 of the 3/, /2 of the 3/], 'the policy sets N');
});

t.test('invariant 1: a blocked file can never be approved nor make a request approvable', async (t) => {
  const blocked = file('rows.csv', 'block');
  t.match(voteProblem(blocked, 'approve', ''), /can never be approved/);
  t.equal(voteProblem(blocked, 'changes_requested', 'remove it'), undefined);
  const votes = [vote('rows.csv', 'r1'), vote('rows.csv', 'r2'), vote('rows.csv', 'r3')];
  t.match(approvalProblems([blocked], votes, 2), [/blocked by the automatic checks/]);
  t.match(approvalProblems([file('x.csv', null)], [vote('x.csv', 'r1'), vote('x.csv', 'r2')], 2), [
    /has not been checked/,
  ]);
  t.match(approvalProblems([], [], 2), [/no files/]);
});

t.test('a change request stops approval and needs a comment', async (t) => {
  const f = file('a.csv');
  t.match(voteProblem(f, 'changes_requested', '  '), /needs a comment/);
  const votes = [vote('a.csv', 'r1'), vote('a.csv', 'r2'), vote('a.csv', 'r3', 'changes_requested')];
  t.match(approvalProblems([f], votes, 2), [/changes requested/]);
});

t.test('changing a file resets its votes: only votes on the current revision count', async (t) => {
  const votes = [vote('a.csv', 'r1'), vote('a.csv', 'r2')];
  t.same(tally(file('a.csv'), votes), { approvals: 2, changesRequested: 0, reviewers: 2 });
  t.same(tally(file('a.csv', 'pass', 2), votes), { approvals: 0, changesRequested: 0, reviewers: 0 });
  t.match(approvalProblems([file('a.csv', 'pass', 2)], votes, 2), [/0 of the 2/]);
});

t.test(
  'the votes move a request: first vote → partially reviewed, N votes on every file → reviewed',
  async (t) => {
    const files = [file('a.csv'), file('b.csv')];
    t.equal(statusAfterVotes('submitted', files, [], 2), 'submitted');
    t.equal(statusAfterVotes('submitted', files, [vote('a.csv', 'r1')], 2), 'partially_reviewed');
    const most = [vote('a.csv', 'r1'), vote('a.csv', 'r2', 'changes_requested'), vote('b.csv', 'r1')];
    t.equal(statusAfterVotes('partially_reviewed', files, most, 2), 'partially_reviewed');
    t.equal(statusAfterVotes('partially_reviewed', files, [...most, vote('b.csv', 'r2')], 2), 'reviewed');
    t.equal(statusAfterVotes('submitted', [file('a.csv')], [vote('a.csv', 'r1')], 1), 'reviewed');
    t.equal(statusAfterVotes('reviewed', files, [], 2), 'reviewed', 'only requests under review move');
    t.equal(statusAfterVotes('returned', files, [vote('a.csv', 'r1')], 2), 'returned');
    t.notOk(isReviewed([], [], 1), 'a request without files is never reviewed');
  },
);

t.test('invariant 5: in the blind phase a reviewer sees only their own votes', async (t) => {
  const votes = [vote('a.csv', 'r1'), vote('a.csv', 'r2', 'changes_requested')];
  for (const status of ['submitted', 'partially_reviewed'] as const) {
    const seen = visibleVotes(votes, { kind: 'reviewer', accountId: 'r1' }, status);
    t.same(
      seen.map((v) => [v.reviewer, v.mine]),
      [['r1', true]],
      status,
    );
    t.same(visibleVotes(votes, { kind: 'member', accountId: 'anna' }, status), [], 'researchers see none');
  }
  t.equal(visibleVotes(votes, { kind: 'reviewer', accountId: 'r3' }, 'partially_reviewed').length, 0);
  const after = visibleVotes(votes, { kind: 'reviewer', accountId: 'r1' }, 'reviewed');
  t.same(
    after.map((v) => [v.reviewer, v.mine]),
    [
      ['r1', true],
      ['r2', false],
    ],
    'once reviewed, every vote',
  );
  t.same(visibleVotes(votes, { kind: 'member', accountId: 'anna' }, 'reviewed'), [], 'still deciding');
  const returned = visibleVotes(votes, { kind: 'member', accountId: 'anna' }, 'returned');
  t.equal(returned.length, 2, 'the researcher reads the comments once it comes back');
  t.notOk(
    returned.some((v) => 'reviewer' in v),
    'without learning who voted',
  );
  t.equal(visibleVotes(votes, { kind: 'admin', accountId: 'x' }, 'submitted').length, 2);
});
