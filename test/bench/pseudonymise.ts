/**
 * Pseudonymisation throughput on synthetic LMDB (issue 4): BENCH_ROWS rows (default 10M, about
 * 2.5M distinct persons), generated once per size and cached under the temp directory.
 *
 *   distinct_per_s_per_core  distinct CPRs hashed per CPU-second on one thread: placing each CPR's
 *                            bytes and the SIMD HMAC-SHA256 (the figure comparable to OpenSSL's
 *                            one-HMAC-per-call rate); distinct_via_map_per_s_per_core adds the
 *                            distinct-value map's status and collision set, as the extract path runs
 *   extract_rows_per_s       rows/s of `pseudonymiseFile` (Parquet → Parquet, pnr pseudonymised)
 *   ratio_to_plain_copy      its time over a plain DuckDB copy of the same columns, same settings
 *   peak_rss_mb              peak resident memory of this process
 *   joined_copy_floor_ratio  the last step alone over the plain copy: the map joined back in row
 *                            order with pseudonyms that cost nothing (md5, computed beforehand); what
 *                            the pseudonymised copy would take if finding and hashing distinct CPRs
 *                            were free
 *
 * Prints one JSON object on its last line. No time is asserted anywhere.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { pseudonymiseFile } from '../../control-plane/src/pseudonym/file-pseudonymiser.js';
import { BATCH, HmacKernel } from '../../control-plane/src/pseudonym/hmac-kernel.js';
import { PseudonymMap } from '../../control-plane/src/pseudonym/pseudonym-map.js';
import { SecretKey } from '../../control-plane/src/pseudonym/secret-key.js';
import { deriveSubKey } from '../../control-plane/src/pseudonym/subkeys.js';
import { generateSynthetic } from '../../control-plane/src/synth/generate.js';

const rows = Number(process.env.BENCH_ROWS ?? 10_000_000);
// The synthetic LMDB model gives ~3.35 rows per person at 4 prescriptions per person.
const persons = Math.max(1000, Math.round(rows / 3.35));
const log = (message: string) => process.stderr.write(`${message}\n`);

async function lmdbFile(): Promise<string> {
  const dir = join(tmpdir(), `klarsyn-bench-lmdb-${persons}`);
  const file = join(dir, 'registers', 'lmdb', 'part-0.parquet');
  if (!existsSync(file)) {
    log(`generating synthetic LMDB for ${persons} persons into ${dir} (cached for later runs)`);
    await generateSynthetic({
      persons,
      seed: 'bench',
      out: dir,
      format: 'parquet',
      registers: ['lmdb'],
      prescriptionsPerPerson: 4,
    });
  }
  return file;
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

/** Distinct CPRs laid out as DuckDB string vectors, then pseudonymised on this thread only. */
async function distinctPerCore(
  file: string,
): Promise<{ distinct: number; perCore: number; kernelPerCore: number }> {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const result = await db.runAndReadAll(`SELECT DISTINCT pnr FROM read_parquet('${file}')`);
  const values = result.getRows().map((r) => r[0] as string);
  db.closeSync();
  const data = new Uint8Array(values.length * 16);
  const view = new DataView(data.buffer);
  values.forEach((v, i) => {
    view.setUint32(i * 16, v.length, true);
    for (let j = 0; j < v.length; j++) data[i * 16 + 4 + j] = v.charCodeAt(j);
  });
  const secret = SecretKey.random();
  const key = deriveSubKey(secret, 'person');
  const map = new PseudonymMap(key, values.length, { distinct: true });
  const out = new Int32Array(BATCH * 4);
  const start = process.cpuUsage();
  for (let b = 0; b < values.length; b += BATCH) {
    const n = Math.min(BATCH, values.length - b);
    map.pseudonymiseStrings(data.subarray(b * 16, (b + n) * 16), n, null, () => new Uint8Array(0), out);
  }
  const seconds = cpuSeconds(start);
  map.assertInjective();
  // The HMAC kernel alone, for comparison with a one-call-per-value HMAC such as OpenSSL's.
  const kernel = new HmacKernel(key.key.expose(), { tag: key.tag, valueLength: 10 });
  const kernelStart = process.cpuUsage();
  for (let b = 0; b < values.length; b += BATCH) {
    const n = Math.min(BATCH, values.length - b);
    for (let i = 0; i < n; i++) kernel.place(i, data, (b + i) * 16 + 4, 10);
    kernel.run(n);
  }
  const kernelSeconds = cpuSeconds(kernelStart);
  return {
    distinct: values.length,
    perCore: values.length / seconds,
    kernelPerCore: values.length / kernelSeconds,
  };
}

async function plainCopy(file: string, out: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const start = performance.now();
  await db.run(`COPY (SELECT * FROM read_parquet('${file}')) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
  const seconds = (performance.now() - start) / 1000;
  db.closeSync();
  instance.closeSync();
  return seconds;
}

/** pseudonymiseFile's final step with a map made beforehand (not timed): its floor. */
async function joinedCopy(file: string, out: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await db.run(
    `CREATE TEMP TABLE person_map AS SELECT value, md5(value) AS pseudonym
     FROM (SELECT DISTINCT pnr AS value FROM read_parquet('${file}') WHERE pnr IS NOT NULL)`,
  );
  const start = performance.now();
  await db.run(
    `COPY (SELECT t.* EXCLUDE (file_row_number) REPLACE (m.pseudonym AS pnr)
           FROM read_parquet('${file}', file_row_number = true) t LEFT JOIN person_map m ON m.value = t.pnr
           ORDER BY t.file_row_number) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`,
  );
  const seconds = (performance.now() - start) / 1000;
  db.closeSync();
  instance.closeSync();
  return seconds;
}

async function pseudonymisedCopy(file: string, out: string): Promise<number> {
  const secret = SecretKey.random();
  const start = performance.now();
  await pseudonymiseFile({ secret, input: file, output: out, cprColumns: ['pnr'] });
  return (performance.now() - start) / 1000;
}

const file = await lmdbFile();
const work = mkdtempSync(join(tmpdir(), 'klarsyn-bench-out-'));
try {
  const counted = await (await DuckDBInstance.create(':memory:')).connect();
  const totalRows = Number(
    (await counted.runAndReadAll(`SELECT count(*) FROM read_parquet('${file}')`)).getRows()[0]?.[0] ?? 0,
  );
  counted.closeSync();
  log(`${totalRows} rows; measuring distinct CPRs per core`);
  const distinct = await distinctPerCore(file);
  log(`distinct ${distinct.distinct}: ${(distinct.kernelPerCore / 1e6).toFixed(2)}M/s per core hashed`);
  // Alternate the two copies and keep each one's best run, so neither gets a warmer cache.
  const plain: number[] = [];
  const pseudonymised: number[] = [];
  const joined: number[] = [];
  for (let round = 0; round < 2; round++) {
    plain.push(await plainCopy(file, join(work, `plain-${round}.parquet`)));
    joined.push(await joinedCopy(file, join(work, `joined-${round}.parquet`)));
    pseudonymised.push(await pseudonymisedCopy(file, join(work, `pseudonymised-${round}.parquet`)));
    log(
      `round ${round}: plain ${plain[round]?.toFixed(2)} s, pseudonymised ${pseudonymised[round]?.toFixed(2)} s`,
    );
  }
  const bestPlain = Math.min(...plain);
  const bestPseudonymised = Math.min(...pseudonymised);
  const report = {
    rows: totalRows,
    distinct_cprs: distinct.distinct,
    distinct_per_s_per_core: Math.round(distinct.kernelPerCore),
    distinct_via_map_per_s_per_core: Math.round(distinct.perCore),
    extract_rows_per_s: Math.round(totalRows / bestPseudonymised),
    plain_copy_rows_per_s: Math.round(totalRows / bestPlain),
    ratio_to_plain_copy: Number((bestPseudonymised / bestPlain).toFixed(3)),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    joined_copy_floor_ratio: Number((Math.min(...joined) / bestPlain).toFixed(3)),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
