/**
 * Pseudonymisation throughput on synthetic LMDB (issue 4): BENCH_ROWS rows (default 10M, about
 * 2.5M distinct persons), generated once per size and cached under the temp directory.
 *
 *   distinct_per_s_per_core    distinct CPRs pseudonymised per second by the DuckDB extension on one
 *                              thread, each value once (hashing, recording and the run's final check)
 *   extract_rows_per_s         rows/s of `pseudonymiseFile` (Parquet → Parquet, pnr pseudonymised)
 *   ratio_to_plain_copy        its time over a plain DuckDB copy of the same columns, same settings,
 *                              both timed from opening a database to closing it: the median of
 *                              BENCH_ROUNDS (default 9) rounds' ratios, each listed in ratio_per_round
 *   peak_rss_mb                peak resident memory of this process
 *   shuffled_ratio_to_plain_copy  the same ratio with the rows in random order, where no row repeats
 *                              the one before (synthetic LMDB keeps a person's rows together, as
 *                              many registers do; this is the case where they do not)
 *
 * Prints one JSON object on its last line. No time is asserted anywhere.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  finishRun,
  openPseudonymisingDatabase,
  pseudonymSql,
  startRun,
} from '../../control-plane/src/pseudonym/duckdb-extension.js';
import { pseudonymiseFile } from '../../control-plane/src/pseudonym/file-pseudonymiser.js';
import { PARQUET_OUTPUT } from '../../control-plane/src/pseudonym/parquet-output.js';
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

/** Distinct CPRs, each once, through the extension on one DuckDB thread. */
async function distinctPerCore(file: string): Promise<{ distinct: number; perCore: number }> {
  const instance = await openPseudonymisingDatabase({ threads: '1' });
  const db = await instance.connect();
  await db.run(`CREATE TABLE cprs AS SELECT DISTINCT pnr FROM read_parquet('${file}')`);
  const key = deriveSubKey(SecretKey.random(), 'person');
  await startRun(db, key);
  const start = performance.now();
  await db.run(`SELECT count(${pseudonymSql(key, 'pnr')}) FROM cprs`);
  const { distinct } = await finishRun(db, key);
  const seconds = (performance.now() - start) / 1000;
  db.closeSync();
  instance.closeSync();
  return { distinct, perCore: distinct / seconds };
}

/** The LMDB file with its rows in random order, made once beside it. */
async function shuffled(file: string): Promise<string> {
  const out = file.replace(/\.parquet$/, '-shuffled.parquet');
  if (existsSync(out)) return out;
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await db.run(
    `COPY (SELECT * FROM read_parquet('${file}') ORDER BY hash(pnr, eksd, vnr)) TO '${out}' (FORMAT parquet)`,
  );
  db.closeSync();
  instance.closeSync();
  return out;
}

/** The whole plain copy, as pseudonymiseFile is timed whole: open a database, copy, close. */
async function plainCopy(file: string, out: string): Promise<number> {
  const start = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await db.run(
    `COPY (SELECT * FROM read_parquet('${file}')) TO '${out}' (FORMAT parquet, ${PARQUET_OUTPUT})`,
  );
  db.closeSync();
  instance.closeSync();
  return (performance.now() - start) / 1000;
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
  log(`${distinct.distinct} distinct: ${(distinct.perCore / 1e6).toFixed(2)}M/s per core`);
  const inRandomOrder = await shuffled(file);
  // Each round runs the copies back to back, so a slow spell of this shared machine slows both;
  // the ratios are the median of the rounds' own ratios.
  const times: Record<'plain' | 'pseudonymised' | 'shuffledPlain' | 'shuffledPseudonymised', number[]> = {
    plain: [],
    pseudonymised: [],
    shuffledPlain: [],
    shuffledPseudonymised: [],
  };
  const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
  for (let round = 0; round < rounds; round++) {
    // Odd rounds run the pseudonymised copy first, so neither side always follows the other.
    const pair = async (input: string, plain: number[], pseudonymised: number[]) => {
      const plainRun = () => plainCopy(input, join(work, 'plain.parquet'));
      const pseudonymisedRun = () => pseudonymisedCopy(input, join(work, 'pseudonymised.parquet'));
      if (round % 2 === 0) {
        plain.push(await plainRun());
        pseudonymised.push(await pseudonymisedRun());
      } else {
        pseudonymised.push(await pseudonymisedRun());
        plain.push(await plainRun());
      }
    };
    await pair(file, times.plain, times.pseudonymised);
    await pair(inRandomOrder, times.shuffledPlain, times.shuffledPseudonymised);
    log(
      `round ${round}: ${Object.entries(times)
        .map(([k, v]) => `${k} ${v[round]?.toFixed(2)} s`)
        .join(', ')}`,
    );
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  };
  const ratios = (over: number[], under: number[]) => over.map((t, i) => t / (under[i] as number));
  const ratio = ratios(times.pseudonymised, times.plain);
  const report = {
    rows: totalRows,
    distinct_cprs: distinct.distinct,
    distinct_per_s_per_core: Math.round(distinct.perCore),
    extract_rows_per_s: Math.round(totalRows / median(times.pseudonymised)),
    plain_copy_rows_per_s: Math.round(totalRows / median(times.plain)),
    ratio_to_plain_copy: Number(median(ratio).toFixed(3)),
    ratio_per_round: ratio.map((r) => Number(r.toFixed(3))),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    shuffled_ratio_to_plain_copy: Number(
      median(ratios(times.shuffledPseudonymised, times.shuffledPlain)).toFixed(3),
    ),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
