import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import t from 'tap';
import {
  decodeEvent,
  generateKey,
  MemoryTree,
  type MonitorState,
  monitorLog,
  parseSignerKey,
  verifyConsistency,
} from '../../../audit/index.js';
import { Integrator } from '../../../audit/store/integrator.js';
import { LogReader } from '../../../audit/store/log-reader.js';
import { startDurableCluster } from './cluster.js';
import { ORIGIN, storeClient } from './support.js';

const TRIALS = Number(process.env.CRASH_TRIALS ?? 20);
// Twenty process starts take minutes on a busy two-core machine.
t.setTimeout(1_200_000);
const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/** Runs the appending server until a random moment after its first acknowledgement, then SIGKILLs it. */
function crashTrial(trial: number, dbUrl: string, signerKey: string) {
  return new Promise<{ acks: number[]; checkpoints: number[]; signal: string | null }>((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child], {
      env: { ...process.env, CRASH_TRIAL: String(trial), CRASH_DB_URL: dbUrl, CRASH_SIGNER_KEY: signerKey },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acks: number[] = [];
    const checkpoints: number[] = [];
    let armed = false;
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const [what, value] = line.split(' ');
      if (what === 'ack') acks.push(Number(value));
      if (what === 'checkpoint') checkpoints.push(Number(value));
      if (!armed) {
        armed = true;
        setTimeout(() => proc.kill('SIGKILL'), 30 + Math.random() * 1200);
      }
    });
    proc.on('error', reject);
    proc.on('exit', (_, signal) => resolve({ acks, checkpoints, signal }));
  });
}

t.test(
  'crash: SIGKILL at random points loses no acknowledged append and keeps one consistent tree',
  async (t) => {
    const cluster = await startDurableCluster();
    const pool = new pg.Pool({ connectionString: cluster.appUrl, max: 4 });
    t.teardown(async () => {
      await pool.end();
      await cluster.stop();
    });
    const { signerKey, verifierKey } = generateKey(ORIGIN);
    const reader = new LogReader(pool);
    const acknowledged = new Set<number>();
    const reported = new Set<number>();
    const states: MonitorState[] = [];

    for (let trial = 1; trial <= TRIALS; trial++) {
      const result = await crashTrial(trial, cluster.appUrl, signerKey);
      t.equal(result.signal, 'SIGKILL', `trial ${trial}: killed after ${result.acks.length} acks`);
      for (const id of result.acks) acknowledged.add(id);
      for (const size of result.checkpoints) reported.add(size);
      // A monitor run between crashes: consistency with what it saw after the previous crash.
      const run = await monitorLog(storeClient(reader), {
        verifierKeys: [verifierKey],
        ...(states.at(-1) ? { state: states.at(-1) } : {}),
      });
      states.push(run.state);
    }

    // Restart: a new integrator takes over whatever the killed ones left pending.
    const restarted = new Integrator(pool, { origin: ORIGIN, signer: parseSignerKey(signerKey) });
    await restarted.ensureCheckpoint();
    await restarted.drain();

    const entries = await reader.entries(0, Number.MAX_SAFE_INTEGER);
    t.same(
      entries.map((e) => e.index),
      entries.map((_, i) => i),
      'indices are contiguous',
    );
    const logged = new Set(entries.map((e) => (decodeEvent(e.data).details as { n: number }).n));
    const lost = [...acknowledged].filter((id) => !logged.has(id));
    t.same(
      lost,
      [],
      `all ${acknowledged.size} acknowledged appends are in the log (${entries.length} entries)`,
    );
    t.equal(logged.size, entries.length, 'no event twice');

    const tree = MemoryTree.fromEntries(entries.map((e) => e.data));
    const { rows } = await pool.query<{ size: string; root: Buffer }>(
      'SELECT size, root FROM tlog_checkpoints ORDER BY size',
    );
    const sizes = rows.map((r) => Number(r.size));
    t.same(
      [...reported].filter((s) => !sizes.includes(s)),
      [],
      'every checkpoint a killed server reported as committed is stored',
    );
    const final = rows.at(-1) as { size: string; root: Buffer };
    t.equal(Number(final.size), entries.length);
    t.same(final.root, Buffer.from(tree.root()), 'the final checkpoint is the root of all entries');
    let verified = 0;
    for (const r of rows.slice(1, -1)) {
      const proof = await reader.consistencyProof(Number(r.size), entries.length);
      if (verifyConsistency(Number(r.size), entries.length, proof, r.root, final.root)) verified++;
      else t.fail(`checkpoint ${r.size} is not consistent with the final tree`);
    }
    t.equal(
      verified,
      rows.length - 2,
      `consistency proofs from all ${rows.length - 2} earlier checkpoints verify`,
    );
    for (const state of states) {
      await monitorLog(storeClient(reader), { verifierKeys: [verifierKey], state });
    }
    t.pass('a monitor resuming from the state after any crash accepts the final log');
  },
);
