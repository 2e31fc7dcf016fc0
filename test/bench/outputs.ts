/**
 * Disclosure-checker speed: `checkOutputs` on a declared frequency table (region × ATC × age group ×
 * sex, one person count per cell, about 1% of cells small) of 1k, 10k and 100k cells, from CSV bytes
 * to verdict, under the sds profile with a cohort size and a pseudonym list of 100k entries. The
 * 10k table also goes through ACRO (test/bench/acro_check.py, `pip install acro`; the Python used is
 * ACRO_PYTHON or python3) for the ratio ACRO time / Klarsyn time.
 * Times are medians of the CPU time the process spends per check (process.cpuUsage: all its threads,
 * garbage collection included), so other work on a shared machine does not count; ACRO's side is
 * measured the same way. Wall-clock medians go to stderr.
 * Prints {"check_ms_1k","check_ms_10k","check_ms_100k","acro_ratio_10k"} as JSON on its last line;
 * acro_ratio_10k is null, with the reason on stderr, when ACRO cannot run here.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkOutputs } from '../../control-plane/src/outputs/check.js';
import { parseOutputsMetadata } from '../../control-plane/src/outputs/metadata.js';
import { loadProfile } from '../../control-plane/src/outputs/profile-files.js';

const say = (s: string) => process.stderr.write(`${s}\n`);
const REGIONS = ['Hovedstaden', 'Sjaelland', 'Syddanmark', 'Midtjylland', 'Nordjylland'];
const AGE_GROUPS = Array.from({ length: 10 }, (_, i) => `${i * 10}-${i * 10 + 9}`);
const SEXES = ['F', 'M'];

/** A deterministic pseudo-random sequence, so every run checks the same tables. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A long-format table of `cells` person counts; ATC groups make up the size. */
function frequencyTable(cells: number): string {
  const next = random(cells);
  const atcGroups = cells / (REGIONS.length * AGE_GROUPS.length * SEXES.length);
  const lines = ['region,atc,age_group,sex,patients'];
  for (const region of REGIONS)
    for (let a = 0; a < atcGroups; a++)
      for (const age of AGE_GROUPS)
        for (const sex of SEXES) {
          const n = next() < 0.01 ? 1 + Math.floor(next() * 4) : 5 + Math.floor(next() * 95);
          lines.push(`${region},ATC${String(a).padStart(4, '0')},${age},${sex},${n}`);
        }
  return `${lines.join('\n')}\n`;
}

const metadata = parseOutputsMetadata(
  'files:\n  - {path: t.csv, kind: frequency, dimensions: [region, atc, age_group, sex], counts: [patients]}\n',
);
const profile = loadProfile('sds');
const pseudonyms = new Set(
  Array.from({ length: 100_000 }, (_, i) => createHash('sha256').update(`p${i}`).digest('hex').slice(0, 32)),
);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timeCheck(csv: string, runs: number): { cpu: number; wall: number } {
  const bytes = new TextEncoder().encode(csv);
  const request = {
    files: [{ path: 't.csv', bytes }],
    metadata,
    profile,
    context: { pseudonyms, cohortSize: 480_000 },
  };
  checkOutputs(request); // warm-up: JIT and caches
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const usage = process.cpuUsage();
    const start = performance.now();
    const report = checkOutputs(request);
    wall.push(performance.now() - start);
    const spent = process.cpuUsage(usage);
    cpu.push((spent.user + spent.system) / 1000);
    if (report.verdict !== 'block')
      throw new Error('the benchmark table has small cells and must be blocked');
  }
  return { cpu: median(cpu), wall: median(wall) };
}

function acroMs(csv: string): number | null {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-bench-'));
  const table = join(dir, 'table.csv');
  writeFileSync(table, csv);
  const script = fileURLToPath(new URL('./acro_check.py', import.meta.url));
  const python = process.env.ACRO_PYTHON ?? 'python3';
  const run = spawnSync(python, [script, table, '3'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error || run.status !== 0) {
    say(`acro_ratio_10k is null: ${python} ${script} failed (${run.error?.message ?? `exit ${run.status}`})`);
    say((run.stderr ?? '').trim().split('\n').slice(-3).join('\n'));
    say('install ACRO with `pip install acro` (or set ACRO_PYTHON to a Python that has it)');
    return null;
  }
  const last = run.stdout.trim().split('\n').pop() ?? '';
  const result = JSON.parse(last) as { acro_ms: number; cells: number; persons: number };
  say(`ACRO: ${result.cells} cells from ${result.persons} persons in ${result.acro_ms.toFixed(1)} ms CPU`);
  return result.acro_ms;
}

const tables = {
  1000: frequencyTable(1_000),
  10000: frequencyTable(10_000),
  100000: frequencyTable(100_000),
};
const measured = {
  '1k': timeCheck(tables[1_000], 50),
  '10k': timeCheck(tables[10_000], 20),
  '100k': timeCheck(tables[100_000], 5),
};
for (const [size, m] of Object.entries(measured)) {
  say(`Klarsyn ${size} cells: ${m.cpu.toFixed(1)} ms CPU, ${m.wall.toFixed(1)} ms wall-clock (medians)`);
}
const acro = acroMs(tables[10_000]);
const round = (n: number) => Math.round(n * 100) / 100;
console.log(
  JSON.stringify({
    check_ms_1k: round(measured['1k'].cpu),
    check_ms_10k: round(measured['10k'].cpu),
    check_ms_100k: round(measured['100k'].cpu),
    acro_ratio_10k: acro === null ? null : round(acro / measured['10k'].cpu),
  }),
);
