import t from 'tap';
import { utf8 } from '../../../audit/encoding.js';
import {
  type AuditError,
  generateKey,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  type VerifierKey,
} from '../../../audit/index.js';

// Vectors of the reference implementation, golang.org/x/mod/sumdb/note (note_test.go).
const peterKey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const peterSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const enochKey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const text =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const peterSig =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const enochSig =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const peter = parseVerifierKey(peterKey);
const enoch = parseVerifierKey(enochKey);

t.test('the reference verifier key parses; every mangling of it is refused', async (t) => {
  t.match(peter, { name: 'PeterNeumann', keyId: 0xc74f20a3, type: 0x01, text: peterKey });
  let refused = 0;
  const bad = (k: string) => {
    try {
      parseVerifierKey(k);
      t.fail(`accepted ${JSON.stringify(k)}`);
    } catch (e) {
      if ((e as AuditError).code !== 'malformed_key') t.fail(`wrong error for ${k}`);
      refused++;
    }
  };
  for (let i = 0; i <= peterKey.length; i++) {
    for (let j = i + 1; j <= peterKey.length; j++)
      if (i !== 0 || j !== peterKey.length) bad(peterKey.slice(i, j));
  }
  for (let i = 0; i < peterKey.length; i++) {
    bad(peterKey.slice(0, i) + String.fromCharCode(peterKey.charCodeAt(i) + 1) + peterKey.slice(i + 1));
  }
  bad('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='); // wrong key length
  bad('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'); // unknown algorithm
  t.ok(refused > 2000, `${refused} manglings refused`);
});

t.test('the reference signer key parses to the matching verifier key; manglings are refused', async (t) => {
  const signer = parseSignerKey(peterSkey);
  t.equal(signer.text, peterKey);
  for (let i = 0; i < peterSkey.length; i++) {
    const k =
      peterSkey.slice(0, i) + String.fromCharCode(peterSkey.charCodeAt(i) + 1) + peterSkey.slice(i + 1);
    t.throws(() => parseSignerKey(k), { code: 'malformed_key' }, `mangled at ${i}`);
  }
  for (let i = 1; i < peterSkey.length; i += 7)
    t.throws(() => parseSignerKey(peterSkey.slice(i)), { code: 'malformed_key' });
});

t.test('signing reproduces the reference note byte for byte', async (t) => {
  t.equal(signNote(text, [parseSignerKey(peterSkey)]), `${text}\n${peterSig}`);
});

t.test('open verifies known keys and ignores unknown ones', async (t) => {
  const one = openNote(`${text}\n${peterSig}${enochSig}`, [peter]);
  t.equal(one.text, text);
  t.same(
    one.verified.map((s) => s.name),
    ['PeterNeumann'],
  );
  t.same(
    one.unverified.map((s) => s.name),
    ['EnochRoot'],
  );
  const both = openNote(`${text}\n${peterSig}${enochSig}`, [peter, enoch]);
  t.same(
    both.verified.map((s) => s.name),
    ['PeterNeumann', 'EnochRoot'],
  );
  t.throws(() => openNote(`${text}\n${peterSig}${enochSig}`, []), { code: 'no_verified_signature' });
  t.throws(() => openNote(`${text}\n${peterSig}`, [enoch]), { code: 'no_verified_signature' });
  const dup = openNote(`${text}\n${peterSig}${peterSig}${enochSig}${enochSig}`, [peter]);
  t.equal(dup.verified.length, 1, 'repeated identical signatures count once');
  t.equal(dup.unverified.length, 1);
  t.ok(openNote(utf8(`${text}\n${peterSig}`), [peter]), 'bytes are accepted as UTF-8');
});

t.test('a bad signature by a known key rejects the whole note', async (t) => {
  const forged = `${text}\n${peterSig.slice(0, 60)}ABCD${peterSig.slice(60)}`;
  t.throws(() => openNote(forged, [peter]), { code: 'invalid_signature' });
  t.throws(() => openNote(`${text.replace('cryptography', 'cryptographY')}\n${peterSig}`, [peter]), {
    code: 'invalid_signature',
  });
});

t.test('two different keys with one name and key ID are ambiguous', async (t) => {
  const other = parseVerifierKey(generateKey('PeterNeumann').verifierKey);
  const twin: VerifierKey = { ...other, keyId: peter.keyId };
  t.throws(() => openNote(`${text}\n${peterSig}`, [peter, twin]), { code: 'ambiguous_key' });
  t.ok(openNote(`${text}\n${peterSig}`, [peter, peter]), 'the same key given twice is not ambiguous');
  t.ok(openNote(`${text}\n${enochSig}`, [enoch, peter, twin]), 'an unused ambiguity does not matter');
});

t.test('malformed notes are refused (the reference list and more)', async (t) => {
  const bad: (string | Uint8Array)[] = [
    text,
    `${text}\n`,
    `${text}\n${peterSig.slice(0, -1)}`,
    `\u0001${text}\n${peterSig}`,
    `${text}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
    `${text}\n${peterSig}Unexpected line.\n`,
    `${text}\n${peterSig.repeat(101)}`,
    `${text}\n— PeterNeumann AAAA\n`,
    `${text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n`,
    new Uint8Array([0xff, ...utf8(`${text}\n${peterSig}`)]),
  ];
  for (const note of bad)
    t.throws(() => parseNote(note), { code: 'malformed_note' }, JSON.stringify(String(note)).slice(0, 60));
  t.throws(() => openNote(`${text}\n${peterSig.repeat(101)}`, [peter]), { code: 'malformed_note' });
});

t.test('generated keys sign and verify', async (t) => {
  const { signerKey, verifierKey } = generateKey('log.example/test');
  const note = signNote('hello\n', [parseSignerKey(signerKey)]);
  t.equal(openNote(note, [parseVerifierKey(verifierKey)]).text, 'hello\n');
  t.throws(() => generateKey('has space'), { code: 'malformed_key' });
  t.throws(() => generateKey('has+plus'), { code: 'malformed_key' });
});
