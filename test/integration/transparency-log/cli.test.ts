import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  formatAddCheckpointRequest,
  generateKey,
  rootFromLeaves,
  signCheckpoint,
  verifyCheckpoint,
} from '../../../audit/index.js';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { buildTestApp } from '../../support/app.js';
import { runCli, startCli } from '../../support/cli.js';
import { freePort } from '../../support/postgres.js';
import { testEvent } from './support.js';

// Each case starts the CLI several times: minutes on a busy machine.
t.setTimeout(1_200_000);

/** The superuser's rewrites, each with the triggers switched off first (invariant 4's threat). */
const TAMPER: Record<string, (k: number) => string> = {
  change: (k) =>
    `UPDATE tlog_entries SET data = convert_to(replace(convert_from(data, 'UTF8'), '"n":${k}', '"n":999'), 'UTF8') WHERE idx = ${k}`,
  delete: (k) => `DELETE FROM tlog_entries WHERE idx = ${k}`,
  reorder: (k) =>
    `UPDATE tlog_entries e SET data = o.data FROM tlog_entries o WHERE (e.idx, o.idx) IN ((${k}, ${k + 1}), (${k + 1}, ${k}))`,
  insert: (k) =>
    `UPDATE tlog_entries SET idx = idx + 1000000 WHERE idx >= ${k};
     UPDATE tlog_entries SET idx = idx - 999999 WHERE idx >= 1000000;
     INSERT INTO tlog_entries (idx, data) SELECT ${k}, data FROM tlog_entries WHERE idx = 0`,
};

async function servedLog(t: { teardown(fn: () => unknown): void }, events: number) {
  const test = await buildTestApp(t);
  const url = await test.app.listen({ host: '127.0.0.1', port: 0 });
  const log = new TransparencyLog();
  const append = async (from: number, to: number) => {
    for (let i = from; i < to; i++) await log.append(testEvent(i), test.pool);
    for (let i = 0; i < 400; i++) {
      const body = await (await fetch(`${url}/api/v1/log/checkpoint`)).text();
      if (Number(body.split('\n')[1]) >= to) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`log did not reach ${to}`);
  };
  await append(0, events);
  return { ...test, url, append };
}

t.test(
  'log verify keeps a state, re-hashes only new entries, and log proof verifies one entry',
  async (t) => {
    const { url, append } = await servedLog(t, 40);
    const state = join(mkdtempSync(join(tmpdir(), 'klarsyn-monitor-')), 'state.json');
    const first = await runCli(['log', 'verify', '--url', url, '--state', state]);
    t.equal(first.code, 0, first.stderr);
    t.match(first.stderr, /trusting the key the log serves, on first use/);
    t.match(first.stdout, /0 → 40/);
    t.equal(JSON.parse(readFileSync(state, 'utf8')).size, 40);
    await append(40, 70);
    const second = await runCli(['log', 'verify', '--url', url, '--state', state]);
    t.equal(second.code, 0, second.stderr);
    t.match(second.stdout, /40 → 70\s+30/);
    t.notMatch(second.stderr, /first use/, 'the key comes from the state now');

    const proof = await runCli(['log', 'proof', '--url', `${url}/api/v1/log`, '--index', '12']);
    t.equal(proof.code, 0, proof.stderr);
    t.match(proof.stdout, /"n":12/);
    t.match(proof.stdout, /inclusion proof verified/);
    const stranger = 'klarsyn.local/log+00000000+AfakefakefakefakefakefakefakefakefakefakefakeA';
    t.equal(
      (await runCli(['log', 'proof', '--url', url, '--index', '1', '--key', stranger])).code,
      1,
      'wrong key',
    );
    t.equal((await runCli(['log', 'proof', '--url', url, '--index', '70'])).code, 1, 'index beyond the log');
    t.equal((await runCli(['log', 'proof', '--url', url, '--index', 'x'])).code, 2, 'usage error');
  },
);

for (const [what, sql] of Object.entries(TAMPER)) {
  t.test(
    `invariant 4: a superuser who ${what}s an entry row is caught by log verify, which names it`,
    async (t) => {
      const { url, append, database } = await servedLog(t, 30);
      const state = join(mkdtempSync(join(tmpdir(), 'klarsyn-monitor-')), 'state.json');
      t.equal((await runCli(['log', 'verify', '--url', url, '--state', state])).code, 0);
      const before = readFileSync(state, 'utf8');
      await append(30, 80);
      const { default: pg } = await import('pg');
      const owner = new pg.Client({ connectionString: database.ownerUrl });
      await owner.connect();
      await owner.query(`ALTER TABLE tlog_entries DISABLE TRIGGER USER; ${sql(47)}`);
      await owner.end();
      const run = await runCli(['log', 'verify', '--url', url, '--state', state]);
      t.equal(run.code, 1, 'non-zero exit');
      t.match(run.stderr, /^klarsyn: log verification failed at entry 47:/m, run.stderr);
      t.equal(readFileSync(state, 'utf8'), before, 'the state of the last good run is kept');
    },
  );
}

t.test('klarsyn log rebuild-tiles recomputes the cache on the server database', async (t) => {
  const { url, database, pool } = await servedLog(t, 20);
  await pool.query('DELETE FROM tlog_tiles');
  const env = { KLARSYN_DATABASE__URL: database.appUrl, KLARSYN_DATABASE__MIGRATION_URL: database.ownerUrl };
  const run = await runCli(['log', 'rebuild-tiles'], { env });
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /tiles rebuilt for 20 entries/);
  t.equal(
    (await runCli(['log', 'verify', '--url', url, '--full'])).code,
    0,
    'proofs from the rebuilt tiles verify',
  );
});

t.test('klarsyn witness keygen and serve cosign a consistent checkpoint', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-witness-cli-'));
  const keyFile = join(dir, 'witness.key');
  const keygen = await runCli(['witness', 'keygen', '--name', 'witness.test/cli', '--out', keyFile]);
  t.equal(keygen.code, 0, keygen.stderr);
  const witnessKey = keygen.stdout.trim();
  // name+keyid+base64(0x04 || Ed25519 public key); the base64 itself may contain '+'.
  const [, name, key] = /^([^+]+)\+[0-9a-f]{8}\+(.+)$/.exec(witnessKey) ?? [];
  t.equal(name, 'witness.test/cli');
  const keyBytes = Buffer.from(key ?? '', 'base64');
  t.same([keyBytes.length, keyBytes[0]], [33, 0x04], 'a cosignature/v1 (0x04) verifier key');
  t.equal(
    (await runCli(['witness', 'keygen', '--name', 'w', '--out', keyFile])).code,
    1,
    'never overwrites a key',
  );

  const log = generateKey('log.test/cli');
  const port = await freePort();
  const serve = startCli([
    'witness',
    'serve',
    '--key-file',
    keyFile,
    '--log',
    log.verifierKey,
    '--state',
    join(dir, 'state.json'),
    '--port',
    String(port),
  ]);
  t.teardown(() => serve.kill('SIGTERM'));
  const body = formatAddCheckpointRequest({
    oldSize: 0,
    proof: [],
    checkpoint: signCheckpoint(
      { origin: 'log.test/cli', size: 2, root: rootFromLeaves(['a', 'b']) },
      log.signerKey,
    ),
  });
  let res: Response | undefined;
  for (let i = 0; i < 300 && !res; i++) {
    res = await fetch(`http://127.0.0.1:${port}/add-checkpoint`, { method: 'POST', body }).catch(
      () => undefined,
    );
    if (!res) await new Promise((r) => setTimeout(r, 200));
  }
  t.equal(res?.status, 200);
  const note = body.slice(body.indexOf('\n\n') + 2);
  const cp = verifyCheckpoint(note + (await res?.text()), [log.verifierKey], {
    witnesses: { witnesses: [witnessKey], quorum: 1 },
  });
  t.equal(cp.cosignatures.length, 1, 'the answer is a valid cosignature');
});
