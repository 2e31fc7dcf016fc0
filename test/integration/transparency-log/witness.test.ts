import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  consistencyProof,
  formatAddCheckpointRequest,
  generateKey,
  parseSignerKey,
  parseVerifierKey,
  rootFromLeaves,
  SIGNATURE_TYPE,
  signCheckpoint,
  verifyCheckpoint,
} from '../../../audit/index.js';
import { LogReader } from '../../../audit/store/log-reader.js';
import { WitnessCosigner } from '../../../audit/store/witness-cosigner.js';
import { buildWitnessServer } from '../../../control-plane/src/register/witness-server.js';
import { logFixture, ORIGIN, testEvent } from './support.js';

async function startWitness(t: { teardown(fn: () => unknown): void }, logKey: string, stateFile?: string) {
  const { signerKey, verifierKey } = generateKey('witness.test/w1', SIGNATURE_TYPE.cosignatureV1);
  const state = stateFile ?? join(mkdtempSync(join(tmpdir(), 'klarsyn-witness-')), 'state.json');
  const app = buildWitnessServer({
    key: parseSignerKey(signerKey),
    logs: [parseVerifierKey(logKey)],
    stateFile: state,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  return { url, verifierKey, signerKey, state };
}

const post = (url: string, body: string) =>
  fetch(`${url}/add-checkpoint`, { method: 'POST', body }).then(async (r) => ({
    status: r.status,
    type: r.headers.get('content-type'),
    body: await r.text(),
  }));

t.test('the log publishes only checkpoints a quorum of witnesses cosigned', async (t) => {
  const f = await logFixture(t);
  const witness = await startWitness(t, f.verifierKey);
  const w = { url: witness.url, verifierKey: witness.verifierKey };
  const published = new LogReader(f.app, { witnessQuorum: 1 });
  const policy = { witnesses: [witness.verifierKey], quorum: 1 };
  await f.integrator.ensureCheckpoint();
  for (let i = 0; i < 10; i++) await f.log.append(testEvent(i), f.app);
  await f.integrator.drain();
  t.equal(await published.latest(), undefined, 'nothing is published before a witness cosigns');

  const cosigner = new WitnessCosigner(f.app, f.reader, [w], { logKey: f.verifierKey });
  await cosigner.cosignLatest();
  const first = verifyCheckpoint((await published.latest())?.note as string, [f.verifierKey], {
    witnesses: policy,
  });
  t.equal(first.size, 10);
  t.equal(first.cosignatures.length, 1);

  for (let i = 10; i < 25; i++) await f.log.append(testEvent(i), f.app);
  await f.integrator.drain();
  t.equal((await published.latest())?.size, 10, 'the newer checkpoint waits for its cosignature');
  await cosigner.cosignLatest();
  t.equal((await published.latest())?.size, 25);

  // A restarted log server remembers nothing: the witness's 409 tells it where to continue.
  for (let i = 25; i < 31; i++) await f.log.append(testEvent(i), f.app);
  await f.integrator.drain();
  await new WitnessCosigner(f.app, f.reader, [w], { logKey: f.verifierKey }).cosignLatest();
  const latest = verifyCheckpoint((await published.latest())?.note as string, [f.verifierKey], {
    witnesses: policy,
  });
  t.equal(latest.size, 31);
  t.equal(JSON.parse(readFileSync(witness.state, 'utf8'))[ORIGIN].size, 31, 'the witness persisted its view');
  await t.rejects(
    (async () =>
      verifyCheckpoint((await published.latest())?.note as string, [f.verifierKey], {
        witnesses: {
          ...policy,
          quorum: 2,
          witnesses: [witness.verifierKey, generateKey('w2', SIGNATURE_TYPE.cosignatureV1).verifierKey],
        },
      }))(),
    { code: 'witness_quorum' },
  );
});

t.test('tlog-witness add-checkpoint: status codes, fork refusal, atomic updates, restart', async (t) => {
  const log = generateKey(ORIGIN);
  const signer = parseSignerKey(log.signerKey);
  const witness = await startWitness(t, log.verifierKey);
  const entries = Array.from({ length: 40 }, (_, i) => `entry ${i}`);
  const checkpoint = (size: number, list = entries) =>
    signCheckpoint({ origin: ORIGIN, size, root: rootFromLeaves(list.slice(0, size)) }, signer);
  const request = (old: number, size: number, list = entries) =>
    formatAddCheckpointRequest({
      oldSize: old,
      proof: old > 0 && old < size ? consistencyProof(list.slice(0, size), old) : [],
      checkpoint: checkpoint(size, list),
    });

  t.equal((await post(witness.url, request(0, 10))).status, 200);
  const conflict = await post(witness.url, request(0, 12));
  t.same(
    [conflict.status, conflict.type, conflict.body],
    [409, 'text/x.tlog.size', '10\n'],
    '409 tells the cosigned size',
  );
  t.equal((await post(witness.url, request(10, 20))).status, 200);

  const fork = entries.map((e, i) => (i === 3 ? 'rewritten' : e));
  t.equal(
    (await post(witness.url, request(20, 30, fork))).status,
    422,
    'a rewritten history is not cosigned',
  );
  t.equal((await post(witness.url, request(20, 20, fork))).status, 409, 'same size, other root');
  const stranger = signCheckpoint(
    { origin: ORIGIN, size: 30, root: rootFromLeaves(entries.slice(0, 30)) },
    parseSignerKey(generateKey(ORIGIN).signerKey),
  );
  t.equal(
    (
      await post(
        witness.url,
        formatAddCheckpointRequest({
          oldSize: 20,
          proof: consistencyProof(entries.slice(0, 30), 20),
          checkpoint: stranger,
        }),
      )
    ).status,
    403,
  );
  const other = generateKey('other.test/log');
  const unknown = signCheckpoint(
    { origin: 'other.test/log', size: 1, root: rootFromLeaves(['x']) },
    parseSignerKey(other.signerKey),
  );
  t.equal(
    (await post(witness.url, formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: unknown })))
      .status,
    404,
  );
  t.equal((await post(witness.url, 'old x\n\n')).status, 400);
  t.equal((await post(witness.url, request(30, 20))).status, 400, 'old size above the checkpoint');
  t.equal(JSON.parse(readFileSync(witness.state, 'utf8'))[ORIGIN].size, 20, 'refusals change nothing');

  // Two logs racing from the same old size: one wins, the other learns the new size.
  const race = await Promise.all([post(witness.url, request(20, 25)), post(witness.url, request(20, 33))]);
  t.same(race.map((r) => r.status).sort(), [200, 409]);
  const winner = race[0]?.status === 200 ? 25 : 33;
  t.equal((race.find((r) => r.status === 409) as { body: string }).body, `${winner}\n`);

  // A restarted witness continues from its state file.
  const again = await startWitness(t, log.verifierKey, witness.state);
  const after = await post(again.url, request(0, 40));
  t.same([after.status, after.body], [409, `${winner}\n`]);
});
