import t from 'tap';
import type { Principal } from '../../../../control-plane/src/auth/principal.js';
import {
  assertAuthor,
  assertIndependentReviewer,
  isIndependentReviewer,
  viewerOf,
} from '../../../../control-plane/src/outputs/release/access.js';
import { parseReleasePolicy } from '../../../../control-plane/src/outputs/release/policy.js';

const who = (accountId: string, ...roles: Principal['roles']): Principal => ({
  accountId,
  username: accountId,
  roles,
  authorities: [],
  via: 'password',
});
const parties = (status = 'submitted') => ({ author: 'anna', members: ['anna', 'bo'], status });

t.test(
  'invariant 5: neither the author nor any member of the project is an independent reviewer',
  async (t) => {
    t.notOk(isIndependentReviewer(who('anna', 'researcher', 'reviewer'), parties()), 'the author');
    t.notOk(isIndependentReviewer(who('bo', 'researcher', 'reviewer'), parties()), 'a co-member');
    t.notOk(isIndependentReviewer(who('eva', 'researcher'), parties()), 'someone without the role');
    t.ok(isIndependentReviewer(who('rita', 'reviewer'), parties()));
    t.throws(() => assertIndependentReviewer(who('anna', 'reviewer'), parties()), {
      code: 'forbidden',
      message: /your own/,
    });
    t.throws(() => assertIndependentReviewer(who('bo', 'reviewer'), parties()), {
      code: 'forbidden',
      message: /member/,
    });
    t.throws(() => assertIndependentReviewer(who('ada', 'admin'), parties()), { code: 'forbidden' });
    t.doesNotThrow(() => assertIndependentReviewer(who('rita', 'reviewer'), parties()));
  },
);

t.test('only the author acts as the author, not their co-members', async (t) => {
  t.doesNotThrow(() => assertAuthor(who('anna', 'researcher'), parties()));
  t.throws(() => assertAuthor(who('bo', 'researcher'), parties()), { code: 'forbidden' });
});

t.test('who sees a request, and how', async (t) => {
  t.match(viewerOf(who('bo', 'researcher'), parties('draft')), { kind: 'member' });
  t.match(
    viewerOf(who('anna', 'researcher', 'reviewer'), parties()),
    { kind: 'member' },
    'the author as author',
  );
  t.match(viewerOf(who('rita', 'reviewer'), parties()), { kind: 'reviewer' });
  t.equal(viewerOf(who('rita', 'reviewer'), parties('draft')), undefined, 'drafts stay with the project');
  t.match(
    viewerOf(who('ada', 'admin', 'reviewer'), parties()),
    { kind: 'reviewer' },
    'a reviewing admin is blind too',
  );
  t.match(viewerOf(who('ada', 'admin'), parties('draft')), { kind: 'admin' });
  t.equal(viewerOf(who('eva', 'researcher'), parties()), undefined, "another project's researcher");
  t.equal(viewerOf(who('sune', 'steward'), parties()), undefined, 'stewards');
});

t.test('the release policy: N approvals from 1 to 10, default 2, nothing else', async (t) => {
  t.same(parseReleasePolicy('approvalsPerFile: 3\n'), { approvalsPerFile: 3 });
  t.same(parseReleasePolicy('# nothing set\n'), { approvalsPerFile: 2 });
  for (const bad of [
    'approvalsPerFile: 0',
    'approvalsPerFile: 1.5',
    'approvalsPerFile: "2"',
    'approvals: 2',
    ': :',
  ]) {
    t.throws(() => parseReleasePolicy(bad), { code: 'config_invalid' }, bad);
  }
});
