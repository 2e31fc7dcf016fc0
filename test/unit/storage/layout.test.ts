import t from 'tap';
import {
  extractsPrefix,
  extractVersionPrefix,
  outboxPrefix,
  projectPrefix,
  releasePrefix,
  workspaceGrant,
} from '../../../control-plane/src/storage/layout.js';
import { thrownCode } from '../../support/errors.js';

t.test('every domain prefix sits under its project', async (t) => {
  t.equal(projectPrefix('p1'), 'projects/p1/');
  t.equal(extractsPrefix('p1'), 'projects/p1/extracts/');
  t.equal(extractVersionPrefix('p1', 3), 'projects/p1/extracts/v3/');
  t.equal(outboxPrefix('p1', 'ws1'), 'projects/p1/workspaces/ws1/outbox/');
  t.equal(releasePrefix('p1', 'r7'), 'projects/p1/releases/r7/');
  t.same(workspaceGrant('p1', 'ws1'), {
    readOnly: ['projects/p1/extracts/'],
    readWrite: ['projects/p1/workspaces/ws1/outbox/'],
  });
});

t.test('invariant 6: an id cannot reach into another subtree', async (t) => {
  for (const id of ['p1/../p2', '..', 'p1/x', '', '.', 'a\\b']) {
    t.equal(
      thrownCode(() => projectPrefix(id)),
      'validation_failed',
      JSON.stringify(id),
    );
    t.equal(
      thrownCode(() => outboxPrefix('p1', id)),
      'validation_failed',
      JSON.stringify(id),
    );
    t.equal(
      thrownCode(() => releasePrefix('p1', id)),
      'validation_failed',
      JSON.stringify(id),
    );
  }
  for (const version of [0, -1, 1.5, Number.NaN]) {
    t.equal(
      thrownCode(() => extractVersionPrefix('p1', version)),
      'validation_failed',
      String(version),
    );
  }
});
