import t from 'tap';
import { extractsPrefix, outboxPrefix, workspaceGrant } from '../../../control-plane/src/storage/layout.js';
import {
  MAX_SESSION_POLICY_LENGTH,
  sessionPolicy,
} from '../../../control-plane/src/storage/session-policy.js';
import { thrownCode } from '../../support/errors.js';

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: unknown;
}

t.test(
  'invariant 6: a workspace policy reads its extracts, writes its outbox, and grants nothing else',
  async (t) => {
    const policy = JSON.parse(sessionPolicy('klarsyn', workspaceGrant('p1', 'ws1'))) as {
      Statement: Statement[];
    };
    const extracts = 'arn:aws:s3:::klarsyn/projects/p1/extracts/*';
    const outbox = 'arn:aws:s3:::klarsyn/projects/p1/workspaces/ws1/outbox/*';
    const allowed = (action: string) =>
      policy.Statement.filter((s) => s.Effect === 'Allow' && s.Action.includes(action)).flatMap(
        (s) => s.Resource,
      );

    t.ok(
      policy.Statement.every((s) => s.Effect === 'Allow'),
      'allow-list only',
    );
    t.same(allowed('s3:GetObject').sort(), [extracts, outbox].sort());
    for (const write of ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']) {
      t.same(allowed(write), [outbox], `${write} only in the outbox`);
    }
    const list = policy.Statement.find((s) => s.Action.includes('s3:ListBucket'));
    t.same(list?.Resource, ['arn:aws:s3:::klarsyn']);
    t.same(
      list?.Condition,
      { StringLike: { 's3:prefix': ['projects/p1/extracts/*', 'projects/p1/workspaces/ws1/outbox/*'] } },
      'listing is confined to the granted subtrees',
    );
    const every = policy.Statement.flatMap((s) => s.Action).sort();
    t.same(every, [
      's3:AbortMultipartUpload',
      's3:DeleteObject',
      's3:GetBucketLocation',
      's3:GetObject',
      's3:ListBucket',
      's3:ListMultipartUploadParts',
      's3:PutObject',
    ]);
    t.notMatch(
      JSON.stringify(policy),
      /"s3:\*"|"\*"|"arn:aws:s3:::klarsyn\/\*"/,
      'no wildcard action, principal or whole-bucket resource',
    );
  },
);

t.test('a read-only grant has no write statement', async (t) => {
  const policy = sessionPolicy('b', { readOnly: [extractsPrefix('p1')], readWrite: [] });
  t.notMatch(policy, /PutObject|DeleteObject/);
});

t.test('grants are validated: no empty grant, no whole bucket, no traversal, bounded size', async (t) => {
  t.equal(
    thrownCode(() => sessionPolicy('b', { readOnly: [], readWrite: [] })),
    'validation_failed',
  );
  t.equal(
    thrownCode(() => sessionPolicy('b', { readOnly: [''], readWrite: [] })),
    'validation_failed',
  );
  t.equal(
    thrownCode(() => sessionPolicy('b', { readOnly: ['projects/p1/../p2/'], readWrite: [] })),
    'validation_failed',
  );
  t.equal(
    thrownCode(() => sessionPolicy('b', { readOnly: ['projects/p1'], readWrite: [] })),
    'validation_failed',
  );
  const many = Array.from({ length: 40 }, (_, i) => outboxPrefix('p1', `ws${i}`));
  t.equal(
    thrownCode(() => sessionPolicy('b', { readOnly: [], readWrite: many })),
    'validation_failed',
  );
  t.ok(sessionPolicy('b', workspaceGrant('p1', 'w'.repeat(100))).length <= MAX_SESSION_POLICY_LENGTH);
});
