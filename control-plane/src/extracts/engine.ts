import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Source } from '../catalog/model.js';
import { ident, literal } from '../duckdb-sql.js';
import { KlarsynError } from '../errors.js';
import {
  finishRun,
  openPseudonymisingDatabase,
  pseudonymSql,
  startRun,
} from '../pseudonym/duckdb-extension.js';
import { PARQUET_OUTPUT } from '../pseudonym/parquet-output.js';
import type { SecretKey } from '../pseudonym/secret-key.js';
import { deriveSubKey } from '../pseudonym/subkeys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { Publication } from '../storage/publication.js';
import type { ExtractFile, ExtractManifest } from './manifest.js';
import type { ExtractPlan, PlannedTable } from './plan.js';
import { spoolSource } from './source-files.js';
import { cohortSql, kAnonymitySql, outputSql, stageSql } from './sql.js';

export interface ExtractJob {
  plan: ExtractPlan;
  projectId: string;
  version: number;
  /** Where the version is published, e.g. projects/<id>/extracts/v3/. */
  prefix: string;
  store: ObjectStore;
  secret: SecretKey;
  keyVersion: number;
  onProgress?: (stage: string, fraction: number) => void;
}

export interface BuiltExtract {
  manifest: ExtractManifest;
  /** Files are written; committing the manifest makes the version visible. */
  publication: Publication;
}

/** A CPR-shaped value in an output column means something escaped pseudonymisation: fail closed. */
const CPR_PATTERN = '(^|[^0-9])[0-9]{6}-?[0-9]{4}([^0-9]|$)';

/**
 * Builds one extract version with DuckDB in-process: spool the sources, select the cohort, stage
 * approved columns of cohort rows in the period, pseudonymise and generalise them, check that no two
 * values share a pseudonym, write Parquet, check, and upload. Nothing is visible until the caller
 * commits.
 */
export async function buildExtract(job: ExtractJob): Promise<BuiltExtract> {
  const progress = job.onProgress ?? (() => {});
  const workDir = mkdtempSync(join(tmpdir(), 'klarsyn-extract-'));
  const instance = await openPseudonymisingDatabase({
    threads: '2',
    temp_directory: join(workDir, 'spill'),
  });
  const db = await instance.connect();
  const keys = {
    person_pseudonym: deriveSubKey(job.secret, 'person'),
    record_pseudonym: deriveSubKey(job.secret, 'contact'),
  };
  let publication: Publication | undefined;
  try {
    progress('reading sources', 0.05);
    const relations = new Map<string, string>();
    for (const source of job.plan.sources) {
      const relation = await spoolSource(job.store, source, workDir);
      await checkSourceColumns(db, source, relation);
      relations.set(source.id, relation);
    }
    const relation = (s: { id: string }) => relations.get(s.id) as string;

    progress('selecting the cohort', 0.3);
    await db.run(cohortSql(job.plan, relation));
    const cohortSize = Number((await one(db, 'SELECT count(*) AS n FROM cohort')).n);
    if (cohortSize === 0)
      throw new KlarsynError('validation_failed', 'the cohort definition matches no person');
    for (const table of job.plan.tables) await db.run(stageSql(job.plan, table, relation));

    progress('pseudonymising', 0.5);
    for (const key of Object.values(keys)) await startRun(db, key);
    const pseudonym = (kind: keyof typeof keys, value: string) => pseudonymSql(keys[kind], value);
    for (const table of job.plan.tables)
      await db.run(`CREATE TEMP TABLE ${ident(outputName(table))} AS ${outputSql(table, pseudonym)}`);
    for (const key of Object.values(keys)) await finishRun(db, key);

    progress('writing files', 0.7);
    const outDir = join(workDir, 'out');
    mkdirSync(outDir);
    publication = await Publication.begin(job.store, job.prefix);
    const files: ExtractFile[] = [];
    for (const table of job.plan.tables) files.push(await writeTable(db, table, outDir, publication));
    progress('done', 1);
    const manifest: ExtractManifest = {
      format: 'klarsyn-extract/1',
      project: job.projectId,
      version: job.version,
      createdAt: new Date().toISOString(),
      keyVersion: job.keyVersion,
      synthetic: job.plan.sources.every((s) => s.synthetic),
      period: job.plan.period,
      cohortSize,
      files,
    };
    return { manifest, publication };
  } catch (e) {
    await publication?.abort().catch(() => undefined);
    throw e;
  } finally {
    // Closing the database overwrites whatever a run still held.
    db.closeSync();
    instance.closeSync();
    for (const key of Object.values(keys)) key.key.destroy();
    rmSync(workDir, { recursive: true, force: true });
  }
}

const outputName = (table: PlannedTable) => `output_${table.source.id}`;

async function writeTable(
  db: DuckDBConnection,
  table: PlannedTable,
  outDir: string,
  publication: Publication,
): Promise<ExtractFile> {
  const name = `${table.source.id}.parquet`;
  const output = outputName(table);
  for (const c of table.columns) {
    const column = `CAST(${ident(c.variable.name)} AS VARCHAR)`;
    const pseudonym = c.transform.kind === 'person_pseudonym' || c.transform.kind === 'record_pseudonym';
    // Pseudonym columns must hold nothing but pseudonyms; every other column no CPR-shaped value.
    const bad = pseudonym
      ? `NOT regexp_full_match(${column}, '[0-9a-f]{32}')`
      : `regexp_matches(${column}, ${literal(CPR_PATTERN)})`;
    const hits = await one(db, `SELECT count(*) AS n FROM ${ident(output)} WHERE ${bad}`);
    if (Number(hits.n) > 0) {
      throw new KlarsynError(
        'internal',
        `column ${table.source.id}.${c.variable.name} failed the identifier check; extract stopped`,
      );
    }
  }
  const path = join(outDir, name);
  await db.run(`COPY ${ident(output)} TO ${literal(path)} (FORMAT parquet, ${PARQUET_OUTPUT})`);
  const rows = Number((await one(db, `SELECT count(*) AS n FROM ${ident(output)}`)).n);
  const k = kAnonymitySql(table, ident(output));
  const kRow = k ? await one(db, k) : undefined;
  const stored = await publication.put(name, createReadStream(path));
  return {
    name,
    source: table.source.id,
    sha256: stored.sha256,
    size: stored.size,
    rows,
    columns: table.columns.map((c) => ({
      name: c.variable.name,
      type: c.variable.type,
      transform: c.transform.kind,
      ...(c.transform.kind === 'generalise'
        ? {
            generalisation:
              typeof c.transform.rule === 'object' ? `column:${c.transform.rule.column}` : c.transform.rule,
          }
        : {}),
    })),
    ...(kRow
      ? {
          kAnonymity: {
            quasiIdentifiers: table.columns
              .filter((c) => c.variable.classification === 'quasi_identifier')
              .map((c) => c.variable.name),
            classes: Number(kRow.classes),
            smallest: Number(kRow.smallest),
            below5: Number(kRow.below_5),
          },
        }
      : {}),
  };
}

/**
 * Reads a source's column names before any row: unreadable files and missing catalog columns give a
 * clear error naming the source and columns. DuckDB's own messages are not passed on, since
 * conversion errors can quote cell values.
 */
async function checkSourceColumns(db: DuckDBConnection, source: Source, relation: string): Promise<void> {
  let columns: string[];
  try {
    const reader = await db.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
    columns = reader.getRowObjects().map((r) => String(r.column_name));
  } catch {
    throw new KlarsynError(
      'validation_failed',
      `source ${source.id}: its files under ${source.location} cannot be read as Parquet or CSV`,
    );
  }
  const missing = source.variables.map((v) => v.name).filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    throw new KlarsynError(
      'validation_failed',
      `source ${source.id} lacks the catalog columns ${missing.join(', ')}`,
    );
  }
}

async function one(db: DuckDBConnection, sql: string): Promise<Record<string, unknown>> {
  const reader = await db.runAndReadAll(sql);
  return (reader.getRowObjects()[0] ?? {}) as Record<string, unknown>;
}
