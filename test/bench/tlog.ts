/**
 * Transparency log throughput and latency on a PostgreSQL of its own with fsync and
 * synchronous_commit on (an acknowledged append is on disk):
 * - appends_per_s: events acknowledged per second by BENCH_CALLERS concurrent callers through the
 *   group-commit AppendQueue while the integrator runs (BENCH_SECONDS long);
 * - integrate_p50_ms / integrate_p99_ms: from an append call to the commit of the first signed
 *   checkpoint that includes it;
 * - tx_appends_per_s: the same with one transaction per event (BEGIN, append, COMMIT);
 * - proof_p99_ms_1m / proof_p99_ms_10m: inclusion proof of a random entry, read from the tiles
 *   in the database, with the log grown to 1M and 10M entries (BENCH_TLOG_MAX).
 * Prints those figures as JSON on its last line.
 */
import pg from 'pg';
import { generateKey, leafHash, parseSignerKey, verifyInclusion } from '../../audit/index.js';
import { AppendQueue } from '../../audit/store/append-queue.js';
import { eventTypes } from '../../audit/store/event-types.js';
import { Integrator } from '../../audit/store/integrator.js';
import { LogReader } from '../../audit/store/log-reader.js';
import { TransparencyLog } from '../../audit/store/transparency-log.js';
import { startDurableCluster } from '../integration/transparency-log/cluster.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const callers = Number(process.env.BENCH_CALLERS ?? 256);
const maxEntries = Number(process.env.BENCH_TLOG_MAX ?? 10_000_000);
const say = (s: string) => process.stderr.write(`${s}\n`);

eventTypes.register({
  type: 'bench.accessed',
  description: 'benchmark event',
  details: { type: 'object', additionalProperties: false, properties: { n: { type: 'integer' } } },
});

const cluster = await startDurableCluster();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cluster.stop().finally(() => process.exit(1)));
}
const pool = new pg.Pool({ connectionString: cluster.appUrl, max: 80 });
const origin = 'bench.klarsyn/log';
const signer = parseSignerKey(generateKey(origin).signerKey);
const published = new Map<number, number>();
const integrator = new Integrator(pool, {
  origin,
  signer,
  idleMs: 20,
  onCheckpoint: (c) => published.set(c.size, performance.now()),
});
const log = new TransparencyLog();

/** Runs `callers` loops for `seconds`; returns the acknowledged count and each append's start. */
async function load(append: (n: number) => Promise<unknown>, concurrency: number, secs: number) {
  const started: number[] = [];
  let acked = 0;
  let running = true;
  const loop = async () => {
    while (running) {
      const n = started.length;
      started.push(performance.now());
      await append(n);
      acked++;
    }
  };
  const t0 = performance.now();
  const loops = Array.from({ length: concurrency }, loop);
  await new Promise((r) => setTimeout(r, secs * 1000));
  running = false;
  await Promise.all(loops);
  return { rate: acked / ((performance.now() - t0) / 1000), started };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const round = (x: number) => Math.round(x * 100) / 100;

// 1. Group-committed appends with the integrator running.
integrator.start();
const queue = new AppendQueue(pool, log);
const event = (n: number) => ({
  type: 'bench.accessed',
  actor: 'account:bench',
  project: 'P-bench',
  details: { n },
});
say(`appends: ${callers} callers for ${seconds} s`);
const queued = await load((n) => queue.append(event(n)), callers, seconds);
while ((await pool.query('SELECT count(*)::int AS n FROM tlog_pending')).rows[0].n > 0) {
  await new Promise((r) => setTimeout(r, 50));
}
await new Promise((r) => setTimeout(r, 100));

// Latency: each entry's append start to the commit of the first checkpoint covering its index.
const { rows } = await pool.query<{ idx: string; n: number }>(
  "SELECT idx, (convert_from(data, 'UTF8')::jsonb #>> '{details,n}')::int AS n FROM tlog_entries ORDER BY idx",
);
const sizes = [...published.keys()].sort((a, b) => a - b);
const latencies: number[] = [];
let next = 0;
for (const r of rows) {
  while ((sizes[next] as number) <= Number(r.idx)) next++;
  latencies.push((published.get(sizes[next] as number) as number) - (queued.started[r.n] as number));
}
say(
  `appends: ${Math.round(queued.rate)}/s, ${sizes.length} checkpoints, p50 ${percentile(latencies, 50)} ms`,
);

// 2. One transaction per event, for comparison.
const tx = await load(
  async (n) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await log.append(event(n), client);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  },
  64,
  Math.min(seconds, 10),
);
say(`one transaction per append: ${Math.round(tx.rate)}/s`);
await integrator.stop();

// 3. Proof latency at 1M and 10M entries: bulk-load pending events in SQL, integrate in batches.
const bulk = new Integrator(pool, { origin, signer, batchSize: 100_000 });
async function growTo(target: number) {
  await bulk.drain();
  const { rows: size } = await pool.query('SELECT size FROM tlog_tree');
  for (let at = Number(size[0].size); at < target; at += 100_000) {
    const end = Math.min(target, at + 100_000);
    await pool.query(
      `INSERT INTO tlog_pending (data)
       SELECT convert_to(format('{"actor":"account:bench","details":{"n":%s},"project":"P-bench","subject":null,"time":"2026-11-22T00:00:00.000Z","type":"bench.accessed"}', i), 'UTF8')
       FROM generate_series($1::bigint, $2::bigint - 1) i`,
      [at, end],
    );
    await bulk.drain();
    if (end % 1_000_000 === 0) say(`grown to ${end}`);
  }
}
async function proofLatency(size: number, samples = 2000) {
  const reader = new LogReader(pool);
  const checkpoint = await reader.checkpointAt(size);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const index = Math.floor(Math.random() * size);
    const t0 = performance.now();
    const proof = await reader.inclusionProof(index, size);
    times.push(performance.now() - t0);
    if (i < 20) {
      const [entry] = await reader.entries(index, index + 1);
      if (
        !verifyInclusion(
          leafHash(entry?.data as Uint8Array),
          index,
          size,
          proof,
          checkpoint?.root as Uint8Array,
        )
      ) {
        throw new Error(`proof for ${index} does not verify`);
      }
    }
  }
  say(`proofs at ${size}: p50 ${round(percentile(times, 50))} ms, p99 ${round(percentile(times, 99))} ms`);
  return percentile(times, 99);
}
const t1 = performance.now();
await growTo(Math.min(1_000_000, maxEntries));
say(`1M grown in ${Math.round((performance.now() - t1) / 1000)} s`);
const p1m = await proofLatency(Math.min(1_000_000, maxEntries));
let p10m = Number.NaN;
if (maxEntries >= 10_000_000) {
  await growTo(10_000_000);
  p10m = await proofLatency(10_000_000);
}

await pool.end();
await cluster.stop();
console.log(
  JSON.stringify({
    appends_per_s: Math.round(queued.rate),
    integrate_p99_ms: round(percentile(latencies, 99)),
    proof_p99_ms_1m: round(p1m),
    proof_p99_ms_10m: round(p10m),
    integrate_p50_ms: round(percentile(latencies, 50)),
    tx_appends_per_s: Math.round(tx.rate),
  }),
);
