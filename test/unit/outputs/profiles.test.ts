import { readFileSync } from 'node:fs';
import t from 'tap';
import { KlarsynError } from '../../../control-plane/src/errors.js';
import { mergeProfiles, parseProfile } from '../../../control-plane/src/outputs/profile.js';
import {
  loadProfile,
  PROFILE_DIR,
  profileNames,
  strictestProfile,
} from '../../../control-plane/src/outputs/profile-files.js';
import { PROFILES } from './support.js';

t.test('the four profiles load with the thresholds the issue names', async (t) => {
  t.same(profileNames(), ['acro', 'dst', 'opensafely', 'sds']);
  t.equal(PROFILES.sds.counts.threshold, 5);
  t.equal(PROFILES.dst.counts.threshold, 3);
  t.equal(PROFILES.acro.counts.threshold, 10);
  t.equal(PROFILES.acro.counts.zeros, 'block', 'ACRO: zeros_are_disclosive');
  // OpenSAFELY: counts ≤7 redacted, so 8 is the smallest count shown, and all counts rounded to 5.
  t.equal(PROFILES.opensafely.counts.threshold, 8);
  t.equal(PROFILES.opensafely.counts.rounding, 5);
  for (const p of Object.values(PROFILES)) {
    t.same(p.magnitude.dominance, { n: 2, k: 0.9 }, `${p.name} (n,k)`);
    t.equal(p.magnitude.pPercent, 0.1, `${p.name} p%`);
    t.equal(p.regression.residualDf, 10, `${p.name} residual df`);
  }
});

t.test('every field of every profile file carries a comment saying what it does', async (t) => {
  for (const name of profileNames()) {
    const lines = readFileSync(`${PROFILE_DIR}/${name}.yaml`, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const field = /^\s+([a-zA-Z]+):/.exec(line);
      if (!field) return;
      const above = lines[i - 1] ?? '';
      const commented = above.trim().startsWith('#') || /^\s+[a-zA-Z]+:\s*$/.test(line);
      t.ok(commented, `${name}.yaml: ${field[1]} is documented`);
    });
  }
});

t.test('merging takes the strictest value of every field', async (t) => {
  const merged = mergeProfiles([PROFILES.sds, PROFILES.dst]);
  t.equal(merged.counts.threshold, 5);
  t.equal(merged.name, 'sds+dst');
  const all = mergeProfiles(Object.values(PROFILES));
  t.equal(all.counts.threshold, 10);
  t.equal(all.counts.zeros, 'block');
  t.equal(all.counts.rounding, 5);
  t.equal(all.magnitude.threshold, 10);
  const custom = parseProfile(
    readFileSync(`${PROFILE_DIR}/sds.yaml`, 'utf8')
      .replace('rounding: null', 'rounding: 3')
      .replace('dominance: { n: 2, k: 0.9 }', 'dominance: { n: 3, k: 0.95 }')
      .replace('pPercent: 0.1', 'pPercent: 0.2')
      .replace('identifierMinRows: 20', 'identifierMinRows: 50'),
    'custom',
  );
  const both = mergeProfiles([custom, PROFILES.opensafely]);
  t.equal(both.counts.rounding, 15, 'a multiple of both 3 and 5');
  t.same(both.magnitude.dominance, { n: 3, k: 0.9 });
  t.equal(both.magnitude.pPercent, 0.2);
  t.equal(both.individual.identifierMinRows, 20);
});

t.test('the strictest profile of an extract from its authorities', async (t) => {
  t.equal(strictestProfile(['sds', 'dst', 'sds']).counts.threshold, 5);
  t.equal(strictestProfile(['dst']).counts.threshold, 3);
  t.throws(() => strictestProfile([]), KlarsynError);
});

t.test('invariant 7: bad profiles are refused with a reason', async (t) => {
  const sds = readFileSync(`${PROFILE_DIR}/sds.yaml`, 'utf8');
  const cases: [string, string, RegExp][] = [
    [
      'unknown key',
      sds.replace('  missing: allow', '  missing: allow\n  minimum: 3'),
      /unknown key counts\.minimum/,
    ],
    ['threshold zero', sds.replace('threshold: 5', 'threshold: 0'), /counts\.threshold must be >= 1/],
    ['zeros spelt wrong', sds.replace('zeros: allow', 'zeros: maybe'), /counts\.zeros/],
    ['k above 1', sds.replace('k: 0.9', 'k: 1.5'), /dominance\.k/],
    ['not YAML', 'name: [', /not valid YAML/],
  ];
  for (const [what, text, message] of cases) {
    t.throws(() => parseProfile(text, 'test'), { code: 'validation_failed', message }, what);
  }
  t.throws(() => loadProfile('nope'), {
    code: 'validation_failed',
    message: /unknown output profile nope \(known: acro, dst/,
  });
  t.throws(() => loadProfile('/no/such/profile.yaml'), { code: 'validation_failed', message: /cannot read/ });
});
