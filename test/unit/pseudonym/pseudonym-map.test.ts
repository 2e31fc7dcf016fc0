import t from 'tap';
import { PseudonymMap } from '../../../control-plane/src/pseudonym/pseudonym-map.js';
import { PseudonymSet } from '../../../control-plane/src/pseudonym/pseudonym-set.js';
import { SecretKey } from '../../../control-plane/src/pseudonym/secret-key.js';
import { deriveSubKey, referencePseudonym } from '../../../control-plane/src/pseudonym/subkeys.js';
import { Rng } from '../../../control-plane/src/synth/rng.js';

const projectA = SecretKey.fromBytes(Buffer.alloc(32, 0xa));
const projectB = SecretKey.fromBytes(Buffer.alloc(32, 0xb));
const rng = new Rng('pseudonym-map');

/** CPR-shaped, hyphenated, padded, invalid, non-ASCII, long and empty values. */
function values(n: number): (string | null)[] {
  return Array.from({ length: n }, (_, i) => {
    const digits = String(rng.int(1e10)).padStart(10, '0');
    switch (i % 9) {
      case 0:
        return null;
      case 1:
        return `${digits.slice(0, 6)}-${digits.slice(6)}`;
      case 2:
        return ` ${digits} `;
      case 3:
        return 'ukendt';
      case 4:
        return `ø${digits}`;
      case 5:
        return `${digits}${digits}${digits}${digits}${digits}${digits}`;
      case 6:
        return '';
      default:
        return digits;
    }
  });
}

t.test('invariant 2: the batched map agrees with the HMAC definition for every kind of value', async (t) => {
  for (const purpose of ['person', 'contact'] as const) {
    const key = deriveSubKey(projectA, purpose);
    const input = values(5000);
    const map = new PseudonymMap(key, 16);
    const got = map.pseudonymise(input);
    const bad = input.filter((v, i) =>
      v === null ? got[i] !== null : got[i] !== referencePseudonym(key, v),
    );
    t.same(bad, [], purpose);
    t.doesNotThrow(() => map.assertInjective());
  }
});

t.test('invariant 2: deterministic within a project, unlinkable across projects', async (t) => {
  const cprs = ['0707614285', '0101854001', '3102001234'];
  const a1 = new PseudonymMap(deriveSubKey(projectA, 'person')).pseudonymise(cprs);
  const a2 = new PseudonymMap(deriveSubKey(projectA, 'person')).pseudonymise([...cprs].reverse()).reverse();
  const b = new PseudonymMap(deriveSubKey(projectB, 'person')).pseudonymise(cprs);
  t.same(a1, a2);
  for (let i = 0; i < cprs.length; i++) t.not(a1[i], b[i]);
  t.equal(new Set([...a1, ...b]).size, 6);
  for (const p of a1) t.match(p, /^[0-9a-f]{32}$/);
});

t.test('one map keeps family links: the same CPR gives the same pseudonym in every column', async (t) => {
  const map = new PseudonymMap(deriveSubKey(projectA, 'person'));
  const [pnr] = map.pseudonymise(['0707614285']);
  const [morId, farId] = map.pseudonymise(['070761-4285', ' 0707614285']);
  t.equal(morId, pnr);
  t.equal(farId, pnr);
  t.equal(map.stats().distinct, 1);
});

t.test('counts distinct values by CPR status; invalid values are pseudonymised, not dropped', async (t) => {
  const map = new PseudonymMap(deriveSubKey(projectA, 'person'));
  const out = map.pseudonymise(['0707614285', '0101854001', '3113001234', 'ukendt', '0707614285', null]);
  t.equal(out.filter((p) => p !== null).length, 5);
  t.same(map.stats(), { distinct: 4, cpr: { valid: 1, valid_no_mod11: 1, invalid: 2 } });
});

t.test('grows past its expected size without losing entries', async (t) => {
  const key = deriveSubKey(projectA, 'person');
  const map = new PseudonymMap(key, 10);
  const input = Array.from({ length: 30000 }, (_, i) => String(1000000000 + i * 7919).slice(-10));
  const first = map.pseudonymise(input);
  const again = map.pseudonymise(input);
  t.same(again, first);
  t.equal(map.stats().distinct, 30000);
  t.equal(first[12345], referencePseudonym(key, input[12345] as string));
});

t.test('fails closed: the pseudonym set refuses a second value with the same pseudonym', async (t) => {
  const set = new PseudonymSet(4);
  const raw = Int32Array.from([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 5]);
  t.equal(set.add(raw, 0), -1);
  t.equal(set.add(raw, 1), 0, 'same 128 bits: the entry that has them');
  t.equal(set.add(raw, 2), -1, 'differs in the last word');
  t.equal(set.size, 2);
});

t.test(
  'invariant 2: in distinct mode, forms of one CPR meet as one person, not as a collision',
  async (t) => {
    const key = deriveSubKey(projectA, 'person');
    const map = new PseudonymMap(key, 4, { distinct: true });
    // A DISTINCT query's output: distinct strings, three of them one CPR number.
    const input = ['0707614285', '070761-4285', ' 0707614285 ', '0101011234', 'ukendt'];
    const out = map.pseudonymise(input);
    const expected = referencePseudonym(key, '0707614285');
    t.same(out.slice(0, 3), [expected, expected, expected]);
    t.equal(out[3], referencePseudonym(key, '0101011234'));
    t.equal(out[4], referencePseudonym(key, 'ukendt'));
    t.doesNotThrow(() => map.assertInjective());
    t.same(map.stats(), { distinct: 3, cpr: { valid: 1, valid_no_mod11: 1, invalid: 1 } });
  },
);
