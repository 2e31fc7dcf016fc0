/**
 * The disclosure checker's vocabulary. The checker is a pure function of these values: callers (the
 * CLI, the release workflow, query-backed outputs) read files and pass bytes; nothing here does I/O.
 */
import type { FileEntry, OutputsMetadata } from './metadata.js';
import type { OutputProfile } from './profile.js';

export const VERDICTS = ['pass', 'review', 'block'] as const;
/** `pass`: may leave; `review`: a person must look; `block`: may not leave as it is. */
export type Verdict = (typeof VERDICTS)[number];
/** A finding never passes: it either needs a person or stops the file. */
export type Severity = Exclude<Verdict, 'pass'>;

/** One file of a release request, as bytes: the checker decides what it is from its name and content. */
export interface OutputFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * A cell a finding points at. `row` counts data rows from 1 (row 0 is the header); for text files it is
 * the line number and `column` names the kind of location (`line`, a JSON path, an HTML table).
 */
export interface CellRef {
  row: number;
  column: string;
  value: string;
}

export interface Finding {
  /** The rule's name, e.g. `small-counts`, `dominance`, `pseudonym`. */
  rule: string;
  severity: Severity;
  /** Plain language, for the researcher and the reviewer. */
  message: string;
  cells: CellRef[];
}

export interface FileReport {
  path: string;
  verdict: Verdict;
  findings: Finding[];
}

/** Exactly what `klarsyn outputs check --json` prints. */
export interface CheckReport {
  verdict: Verdict;
  files: FileReport[];
}

/** A file the project released before, with its metadata entry when it had one. */
export interface ReleasedFile extends OutputFile {
  entry?: FileEntry;
}

/**
 * Evidence for the dominance and p% rules of one magnitude table: per statistic column, per data row
 * (0-based, in file order), the individual contributions to that cell (any order; at least the two
 * largest, and the cell total must be the table's value). Only callers that see the data (query-backed
 * outputs) can supply it; a researcher's table alone never proves who contributed what.
 */
export type TableContributions = Record<string, ReadonlyArray<readonly number[] | undefined>>;

/**
 * What re-running a query-backed output's SQL against the extract established (outputs/query/). Rows
 * are the file's data rows, 0-based, in file order; a row the query result does not confirm has none.
 */
export interface QueryEvidence {
  /** The re-run's own findings: refused SQL, a result that differs, what could not be analysed. */
  findings: Finding[];
  /** Distinct person pseudonyms behind each row's cell, counted in the extract. */
  persons?: ReadonlyArray<number | undefined>;
  /** Per-person contributions behind the statistic columns, for dominance and p%. */
  contributions?: TableContributions;
}

export interface CheckContext {
  /** The project's pseudonyms (32 lowercase hex characters each). */
  pseudonyms?: ReadonlySet<string>;
  /** Persons in the project's cohort: a table with about as many rows is individual-level. */
  cohortSize?: number;
  /** Earlier releases of the project, for the differencing rule. */
  released?: readonly ReleasedFile[];
  /** Contribution evidence by file path. */
  contributions?: Readonly<Record<string, TableContributions>>;
  /**
   * Query-backed outputs re-run against the extract, by file path. A file whose outputs.yaml entry
   * names a query but has no evidence here was not verified: at best review.
   */
  queries?: Readonly<Record<string, QueryEvidence>>;
}

export interface CheckRequest {
  files: readonly OutputFile[];
  /** The parsed `outputs.yaml` of the request; files without an entry are undeclared. */
  metadata?: OutputsMetadata;
  profile: OutputProfile;
  context?: CheckContext;
}

const SEVERITY_RANK: Record<Verdict, number> = { pass: 0, review: 1, block: 2 };

/** The worst of some verdicts; `pass` when there are none. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'pass';
  for (const v of verdicts) if (SEVERITY_RANK[v] > SEVERITY_RANK[worst]) worst = v;
  return worst;
}
