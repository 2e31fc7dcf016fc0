import t from 'tap';
import {
  assertNonEmptyPrefix,
  assertObjectKey,
  assertPrefix,
  isObjectKey,
} from '../../../control-plane/src/storage/object-key.js';
import { thrownCode } from '../../support/errors.js';
import { BAD_KEYS } from '../../support/object-store-contract.js';

const GOOD_KEYS = [
  'a',
  'projects/p1/extracts/v1/bef.parquet',
  'projects/p1/extracts/v1/year=2020/part-0.parquet',
  'projects/p1/workspaces/ws-1/outbox/Table 1 (final), v2+@x.csv',
  'dots.in.the.middle',
  'trailing.dot.',
  `${'s'.repeat(255)}/x`,
  `${'k/'.repeat(511)}kk`,
];

t.test('keys: what the grammar accepts', async (t) => {
  for (const key of GOOD_KEYS) {
    t.ok(isObjectKey(key), JSON.stringify(key.slice(0, 40)));
    t.equal(
      thrownCode(() => assertObjectKey(key)),
      'accepted',
    );
  }
});

t.test(
  'invariant 7: traversal, absolute paths, backslashes and odd names are validation_failed',
  async (t) => {
    for (const key of [...BAD_KEYS, undefined, 42, null]) {
      t.notOk(isObjectKey(key), JSON.stringify(key));
      t.equal(
        thrownCode(() => assertObjectKey(key)),
        'validation_failed',
        JSON.stringify(key),
      );
    }
  },
);

t.test('prefixes are whole segments; only some calls take the empty prefix', async (t) => {
  for (const prefix of ['', 'projects/', 'projects/p1/extracts/'])
    t.equal(
      thrownCode(() => assertPrefix(prefix)),
      'accepted',
    );
  for (const prefix of ['projects', '/', '//', 'projects//', '../', 'a/../', '.x/', 'projects\\p1/']) {
    t.equal(
      thrownCode(() => assertPrefix(prefix)),
      'validation_failed',
      JSON.stringify(prefix),
    );
  }
  t.equal(
    thrownCode(() => assertNonEmptyPrefix('')),
    'validation_failed',
    'never the whole store',
  );
  t.equal(
    thrownCode(() => assertNonEmptyPrefix('projects/')),
    'accepted',
  );
});
