/**
 * Turns one file's bytes into what the rules look at: its tables (from CSV, HTML, JSON, notebook
 * outputs) and the findings that follow from the kind of file alone or from scanning its text.
 */
import { CsvError, parseCsv } from './csv.js';
import { decodeText, type FileKind, fileKind, TEXTUAL } from './file-kind.js';
import { htmlTables } from './html-tables.js';
import type { PseudonymIndex } from './identifiers.js';
import { type Json, jsonLinesTable, jsonTables } from './json-tables.js';
import type { FileEntry } from './metadata.js';
import type { CheckContext, Finding, OutputFile } from './model.js';
import type { OutputProfile } from './profile.js';
import { scanText } from './rules/text-scan.js';
import type { Table } from './table.js';

export interface ReadOutput {
  kind: FileKind;
  tables: Table[];
  findings: Finding[];
}

const fileFinding = (rule: string, severity: Finding['severity'], message: string): Finding => ({
  rule,
  severity,
  message,
  cells: [],
});

const REFUSED: Partial<Record<FileKind, Finding>> = {
  archive: fileFinding(
    'file-type',
    'block',
    'an archive or container (zip, gzip, xlsx, docx, …): its contents cannot be checked; submit the files inside it',
  ),
  data: fileFinding(
    'file-type',
    'block',
    'a data file format (Parquet, Stata, R data, SQLite, …) that can hold individual rows; export aggregate tables as CSV',
  ),
  unknown: fileFinding('file-type', 'block', 'an unknown type of file: only known formats can be checked'),
  image: fileFinding('file-type', 'review', 'an image: a person must look at it'),
  document: fileFinding('file-type', 'review', 'a PDF or PostScript file: a person must read it'),
  svg: fileFinding('file-type', 'review', 'a vector image: a person must look at it'),
};

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** HTML tables in a notebook's outputs (`df.head()` renders as one). */
function notebookTables(doc: Json | undefined): Table[] {
  const cells = (doc as { cells?: { outputs?: { data?: Record<string, unknown> }[] }[] } | undefined)?.cells;
  if (!Array.isArray(cells)) return [];
  return cells.flatMap((cell) =>
    (Array.isArray(cell.outputs) ? cell.outputs : []).flatMap((output) => {
      const html = output.data?.['text/html'];
      return htmlTables(Array.isArray(html) ? html.join('') : typeof html === 'string' ? html : '');
    }),
  );
}

export function readOutput(
  file: OutputFile,
  entry: FileEntry | undefined,
  profile: OutputProfile,
  context: CheckContext,
  pseudonyms: PseudonymIndex,
): ReadOutput {
  const kind = fileKind(file.path, file.bytes);
  const findings: Finding[] = [];
  const refused = REFUSED[kind];
  if (refused) findings.push(refused);
  if (!TEXTUAL.has(kind)) return { kind, tables: [], findings };
  const text = decodeText(file.bytes);
  if (text === null) {
    findings.push(
      fileFinding('file-type', 'block', `named as ${kind} but holds binary content that cannot be checked`),
    );
    return { kind, tables: [], findings };
  }
  if (kind === 'table') {
    try {
      return { kind, tables: [parseCsv(text)], findings };
    } catch (e) {
      if (!(e instanceof CsvError)) throw e;
      findings.push(fileFinding('file-type', 'block', `cannot be read as CSV: ${e.message}`));
      return { kind, tables: [], findings };
    }
  }
  findings.push(...scanText(text, profile, context, pseudonyms));
  const tables: Table[] = [];
  if (kind === 'html' || kind === 'svg') tables.push(...htmlTables(text));
  if (kind === 'json') {
    const doc = parseJson(text);
    if (doc === undefined)
      findings.push(fileFinding('file-type', 'review', 'not valid JSON: a person must read it'));
    else tables.push(...jsonTables(doc));
  }
  if (kind === 'json-lines') {
    const table = jsonLinesTable(text);
    if (table) tables.push(table);
  }
  if (kind === 'notebook') tables.push(...notebookTables(parseJson(text)));
  if (
    entry &&
    (kind === 'text' || kind === 'code') &&
    ['frequency', 'magnitude', 'histogram'].includes(entry.kind)
  ) {
    findings.push(
      fileFinding(
        'metadata',
        'review',
        `declared as a ${entry.kind} table but is ${kind}: a person must read it`,
      ),
    );
  }
  return { kind, tables, findings };
}
