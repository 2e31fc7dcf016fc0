import t from 'tap';
import { fromBase64, readUint32BE, toBase64 } from '../../../audit/encoding.js';
import {
  consistencyProof,
  cosignCheckpoint,
  decideAddCheckpoint,
  formatAddCheckpointRequest,
  formatCheckpoint,
  generateKey,
  parseAddCheckpointRequest,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  rootFromLeaves,
  SIGNATURE_TYPE,
  signCheckpoint,
  type VerifierKey,
  verifyCheckpoint,
} from '../../../audit/index.js';
import { parseSignatureLine } from '../../../audit/note/signature.js';

const origin = 'klarsyn.example/log';
const log = generateKey(origin);
const logSigner = parseSignerKey(log.signerKey);
const witnesses = [1, 2, 3].map((i) => generateKey(`witness.example/w${i}`, SIGNATURE_TYPE.cosignatureV1));
const entries = Array.from({ length: 20 }, (_, i) => `entry ${i}`);
const checkpointAt = (size: number) =>
  signCheckpoint({ origin, size, root: rootFromLeaves(entries.slice(0, size)) }, logSigner);

// The example of C2SP tlog-checkpoint and tlog-cosignature.
const example = `example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==
`;

t.test('parses the C2SP example checkpoint and its cosignature line', async (t) => {
  const cp = parseCheckpoint(example);
  t.equal(cp.origin, 'example.com/behind-the-sofa');
  t.equal(cp.size, 20852163);
  t.equal(toBase64(cp.root), 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
  t.equal(cp.signatures.length, 2);
  const cosig = cp.signatures[1];
  t.equal(cosig?.signature.length, 72, 'timestamp and Ed25519 signature');
  // The timestamp is the one of the spec's example signed message ("time 1679315147").
  t.equal(
    Number(
      new DataView(
        (cosig as { signature: Uint8Array }).signature.buffer,
        cosig?.signature.byteOffset,
        8,
      ).getBigUint64(0),
    ),
    1679315147,
  );
  t.equal(parseSignatureLine('— a AAAA'), undefined, 'fewer than 5 signature bytes');
});

t.test('a signed checkpoint verifies and returns origin, size and root', async (t) => {
  const note = checkpointAt(7);
  const cp = verifyCheckpoint(note, [log.verifierKey]);
  t.equal(cp.origin, origin);
  t.equal(cp.size, 7);
  t.same(cp.root, rootFromLeaves(entries.slice(0, 7)));
  t.equal(note.split('\n')[3], '', 'body, blank line, signature');
  t.ok(
    verifyCheckpoint(note, [generateKey('other').verifierKey, log.verifierKey], { origin }),
    'extra keys are fine',
  );
});

t.test('checkpoint verification failures carry codes', async (t) => {
  const note = checkpointAt(7);
  t.throws(() => verifyCheckpoint(note, [generateKey(origin).verifierKey]), {
    code: 'no_verified_signature',
  });
  t.throws(() => verifyCheckpoint(note.replace('\n7\n', '\n8\n'), [log.verifierKey]), {
    code: 'invalid_signature',
  });
  t.throws(() => verifyCheckpoint(note, [log.verifierKey], { origin: 'elsewhere/log' }), {
    code: 'origin_mismatch',
  });
  t.throws(() => verifyCheckpoint(note, [witnesses[0]?.verifierKey as string]), { code: 'invalid_argument' });
  t.throws(() => verifyCheckpoint(note, ['not a key']), { code: 'malformed_key' });
  t.throws(() => verifyCheckpoint('garbage', [log.verifierKey]), { code: 'malformed_note' });
  // A cosignature alone is not the log's signature.
  const w = parseSignerKey(witnesses[0]?.signerKey as string);
  const body = formatCheckpoint({ origin, size: 1, root: rootFromLeaves(entries.slice(0, 1)) });
  t.throws(
    () =>
      verifyCheckpoint(`${body}\n${cosignCheckpoint(body, w)}`, [log.verifierKey], {
        witnesses: { witnesses: [witnesses[0]?.verifierKey as string], quorum: 1 },
      }),
    { code: 'no_verified_signature' },
  );
});

t.test('malformed checkpoint bodies are refused', async (t) => {
  const root = toBase64(rootFromLeaves(['x']));
  for (const body of [
    `${origin}\n01\n${root}\n`,
    `${origin}\n-1\n${root}\n`,
    `${origin}\n+1\n${root}\n`,
    `${origin}\n9007199254740992\n${root}\n`,
    `${origin}\n1\n${root.slice(4)}\n`,
    `${origin}\n1\n`,
    `\n1\n${root}\n`,
    `${origin}\n1\n${root}\n\n`,
  ]) {
    const note = `${body}\n— ${origin} AAAAAAAAAAAA\n`;
    t.throws(() => parseCheckpoint(note), { code: /malformed_(checkpoint|note)/ }, JSON.stringify(body));
  }
  const withExtension = parseCheckpoint(`${origin}\n1\n${root}\next line\n\n— ${origin} AAAAAAAA\n`);
  t.same(withExtension.extensions, ['ext line']);
});

t.test('witness policy: a quorum of cosignatures is required and checked', async (t) => {
  const note = checkpointAt(9);
  const body = note.slice(0, note.indexOf('\n\n') + 1);
  const lines = witnesses.map((w) => cosignCheckpoint(body, parseSignerKey(w.signerKey), 1700000000));
  const policy = { witnesses: witnesses.map((w) => w.verifierKey), quorum: 2 };
  const cp = verifyCheckpoint(note + lines[0] + lines[2], [log.verifierKey], { witnesses: policy });
  t.equal(cp.cosignatures.length, 2);
  t.equal(cp.cosignatures[0]?.timestamp, 1700000000);
  t.throws(() => verifyCheckpoint(note + lines[0], [log.verifierKey], { witnesses: policy }), {
    code: 'witness_quorum',
  });
  t.throws(() => verifyCheckpoint(note + lines[0] + lines[0], [log.verifierKey], { witnesses: policy }), {
    code: 'witness_quorum',
  });
  // A cosignature made for another body is a bad signature by a known key.
  const other = checkpointAt(10);
  const otherBody = other.slice(0, other.indexOf('\n\n') + 1);
  const stale = cosignCheckpoint(otherBody, parseSignerKey(witnesses[1]?.signerKey as string));
  t.throws(() => verifyCheckpoint(note + lines[0] + stale, [log.verifierKey], { witnesses: policy }), {
    code: 'invalid_signature',
  });
  t.throws(
    () =>
      verifyCheckpoint(note, [log.verifierKey], { witnesses: { witnesses: [log.verifierKey], quorum: 1 } }),
    {
      code: 'invalid_argument',
    },
  );
  t.throws(() => cosignCheckpoint(body, logSigner), { code: 'malformed_key' });
});

t.test('tlog-witness add-checkpoint decisions', async (t) => {
  const witness = parseSignerKey(witnesses[0]?.signerKey as string);
  const keys = new Map<string, VerifierKey[]>([[origin, [parseVerifierKey(log.verifierKey)]]]);
  const request = (
    old: number,
    size: number,
    proof = old > 0 && old < size ? consistencyProof(entries.slice(0, size), old) : [],
  ) =>
    parseAddCheckpointRequest(
      formatAddCheckpointRequest({ oldSize: old, proof, checkpoint: checkpointAt(size) }),
    );
  const view = (size: number) => ({ size, root: rootFromLeaves(entries.slice(0, size)) });

  const first = decideAddCheckpoint(request(0, 5), keys, undefined, witness, 1700000000);
  t.equal(first.status, 200);
  if (first.status === 200) {
    t.same(first.view, { origin, ...view(5) });
    const cp = verifyCheckpoint(checkpointAt(5) + first.body, [log.verifierKey], {
      witnesses: { witnesses: [witnesses[0]?.verifierKey as string], quorum: 1 },
    });
    t.equal(cp.cosignatures[0]?.timestamp, 1700000000, 'the response is a valid cosignature line');
  }
  t.equal(decideAddCheckpoint(request(5, 12), keys, view(5), witness).status, 200, 'consistent growth');
  t.equal(decideAddCheckpoint(request(5, 5), keys, view(5), witness).status, 200, 'same checkpoint again');
  const conflict = decideAddCheckpoint(request(3, 12), keys, view(5), witness);
  t.match(
    conflict,
    { status: 409, body: '5\n', contentType: 'text/x.tlog.size' },
    'old size differs from stored',
  );
  t.equal(
    decideAddCheckpoint(request(5, 12, consistencyProof(entries.slice(0, 12), 6)), keys, view(5), witness)
      .status,
    422,
  );
  t.equal(
    decideAddCheckpoint(request(12, 5), keys, view(12), witness).status,
    400,
    'old size above the checkpoint',
  );
  const forkRoot = { size: 5, root: rootFromLeaves(['a', 'b', 'c', 'd', 'e']) };
  t.equal(
    decideAddCheckpoint(request(5, 5), keys, forkRoot, witness).status,
    409,
    'same size, different root',
  );
  t.equal(decideAddCheckpoint(request(0, 5), new Map(), undefined, witness).status, 404, 'unknown origin');
  const stranger = new Map([[origin, [parseVerifierKey(generateKey(origin).verifierKey)]]]);
  t.equal(
    decideAddCheckpoint(request(0, 5), stranger, undefined, witness).status,
    403,
    'not signed by a trusted key',
  );
  t.throws(() => parseAddCheckpointRequest('old 01\n\nx'), { code: 'malformed_request' });
  t.throws(() => parseAddCheckpointRequest(`old 1\n${'AAAA\n'.repeat(2)}\nx`), { code: 'malformed_request' });
  const tooLong = `old 1\n${`${toBase64(new Uint8Array(32))}\n`.repeat(64)}\n${checkpointAt(5)}`;
  t.throws(() => parseAddCheckpointRequest(tooLong), { code: 'malformed_request' });
  t.equal(readUint32BE(fromBase64('AAAAAQ==') as Uint8Array), 1);
});
