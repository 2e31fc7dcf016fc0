/**
 * The disclosure checker: files + their metadata + a profile (+ the project's pseudonyms, cohort size,
 * earlier releases, contribution evidence) → a verdict per file and findings. Pure and synchronous:
 * the CLI, the release workflow and query-backed outputs call it with values they fetched.
 */
import { pseudonymIndex } from './identifiers.js';
import { entryFor, type FileEntry } from './metadata.js';
import {
  type CheckContext,
  type CheckReport,
  type CheckRequest,
  type FileReport,
  type Finding,
  type OutputFile,
  worstVerdict,
} from './model.js';
import { queryPersons } from './query/persons-rule.js';
import { type ReadOutput, readOutput } from './read-output.js';
import { columnRoles } from './roles.js';
import { cohortRows } from './rules/cohort-rows.js';
import { contributors } from './rules/contributors.js';
import { dayDates } from './rules/day-dates.js';
import { differencing } from './rules/differencing.js';
import { disguisedTotals } from './rules/disguised-totals.js';
import { dominance } from './rules/dominance.js';
import { identifierColumns } from './rules/identifier-columns.js';
import { identifierValues } from './rules/identifier-values.js';
import { minMax } from './rules/min-max.js';
import { residualDf } from './rules/residual-df.js';
import type { TableCheck, TableRule } from './rules/rule.js';
import { smallCounts } from './rules/small-counts.js';
import { type FileTable, splitRows } from './rules/split-rows.js';
import { transpose } from './table.js';

const TABLE_RULES: TableRule[] = [
  identifierValues,
  identifierColumns,
  cohortRows,
  dayDates,
  minMax,
  smallCounts,
  contributors,
  dominance,
  residualDf,
  disguisedTotals,
  queryPersons,
];

/** Rules that look for one person per row, run again on wide tables read column-wise. */
const ROW_RULES: TableRule[] = [identifierColumns, cohortRows, dayDates];

const IDENTIFIER_RULES = new Set(['pseudonym', 'cpr-number']);
const TABLE_KINDS = new Set(['frequency', 'magnitude', 'histogram', 'regression']);

interface CheckedFile {
  file: OutputFile;
  read: ReadOutput;
  tables: TableCheck[];
  findings: Finding[];
}

function tableFindings(check: TableCheck): Finding[] {
  const findings = TABLE_RULES.flatMap((rule) => rule(check));
  const { table, profile } = check;
  const wide =
    table.header.length > table.rows.length &&
    table.header.length - 1 >= profile.individual.identifierMinRows;
  if (wide) {
    const turned = transpose(table);
    const view = { ...check, table: turned, entry: undefined, roles: columnRoles(turned, undefined) };
    for (const f of ROW_RULES.flatMap((rule) => rule(view))) {
      findings.push({ ...f, message: `read column by column (one column per unit), ${f.message}` });
    }
  }
  return findings;
}

/** What outputs.yaml says against what the file is. A table without an entry is at best review. */
function metadataFindings(entry: FileEntry | undefined, tables: TableCheck[]): Finding[] {
  if (tables.length === 0) return [];
  if (!entry) {
    return [
      {
        rule: 'undeclared',
        severity: 'review',
        message: 'a table without an entry in outputs.yaml: a person must check what it counts',
        cells: [],
      },
    ];
  }
  const findings: Finding[] = [];
  if (!TABLE_KINDS.has(entry.kind) && tables.some((t) => t.table.origin === '')) {
    findings.push({
      rule: 'metadata',
      severity: 'review',
      message: `declared as ${entry.kind} but is a table: a person must check what it counts`,
      cells: [],
    });
  }
  const missing = [...new Set(tables.flatMap((t) => t.roles.missing))];
  if (missing.length > 0) {
    findings.push({
      rule: 'metadata',
      severity: 'review',
      message: `outputs.yaml names columns the table does not have (${missing.join(', ')}): the checks cannot rely on the declaration`,
      cells: [],
    });
  }
  return findings;
}

/** Contributions a query re-run found in the extract replace any other evidence for that file. */
function withQueryContributions(context: CheckContext): CheckContext {
  const fromQueries = Object.entries(context.queries ?? {}).flatMap(([path, e]) =>
    e.contributions ? [[path, e.contributions] as const] : [],
  );
  if (fromQueries.length === 0) return context;
  return { ...context, contributions: { ...context.contributions, ...Object.fromEntries(fromQueries) } };
}

export function checkOutputs(request: CheckRequest): CheckReport {
  const { profile, metadata } = request;
  const context = withQueryContributions(request.context ?? {});
  const pseudonyms = pseudonymIndex(context.pseudonyms);
  const prepare = (file: OutputFile, entry: FileEntry | undefined): CheckedFile => {
    const read = readOutput(file, entry, profile, context, pseudonyms);
    const tables = read.tables.map(
      (table): TableCheck => ({
        path: file.path,
        table,
        entry,
        roles: columnRoles(table, entry),
        profile,
        context,
        pseudonyms,
      }),
    );
    return { file, read, tables, findings: [] };
  };

  const checked = request.files.map((file) => {
    const entry = entryFor(metadata, file.path);
    const c = prepare(file, entry);
    // Text scans already report identifiers in JSON and HTML; their tables repeat them only when the
    // text hid them (character references, JSON escapes).
    const scanned = new Set(c.read.findings.filter((f) => IDENTIFIER_RULES.has(f.rule)).map((f) => f.rule));
    const fromTables = c.tables.flatMap(tableFindings).filter((f) => !scanned.has(f.rule));
    c.findings = [...c.read.findings, ...fromTables, ...metadataFindings(entry, c.tables)];
    return c;
  });

  const current: FileTable[] = checked.flatMap((c) =>
    c.tables.map((check) => ({ path: c.file.path, check })),
  );
  const released: FileTable[] = (context.released ?? []).flatMap((f) =>
    prepare(f, f.entry).tables.map((check) => ({ path: `the earlier release ${f.path}`, check })),
  );
  const split = splitRows(current, profile, context, pseudonyms);

  const files = checked.map((c): FileReport => {
    const alreadyBlocked = c.findings.some((f) => f.severity === 'block');
    const crossFile = [
      ...(alreadyBlocked ? [] : (split.get(c.file.path) ?? [])),
      ...c.tables.flatMap((check) =>
        differencing({ path: c.file.path, check }, [...current, ...released], profile),
      ),
    ];
    const findings = [...c.findings, ...crossFile];
    return { path: c.file.path, verdict: worstVerdict(findings.map((f) => f.severity)), findings };
  });
  return { verdict: worstVerdict(files.map((f) => f.verdict)), files };
}
