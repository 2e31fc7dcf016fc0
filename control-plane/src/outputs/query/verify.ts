/**
 * Re-runs the queries of query-backed outputs against the extract, in the sandbox, and returns what
 * the checker needs as values (QueryEvidence per file path): whether the file is the query's result,
 * the distinct persons behind each row and each person's contribution to each statistic.
 */
import { parseCsv } from '../csv.js';
import { decodeText } from '../file-kind.js';
import { entryFor, type FileEntry, normalisePath, type OutputsMetadata } from '../metadata.js';
import type { Finding, OutputFile, QueryEvidence } from '../model.js';
import type { Table } from '../table.js';
import { analyse } from './analyse.js';
import { type AstNode, isNode, nodeList } from './ast.js';
import { compareResult } from './compare.js';
import { cellKey, contributionSql, contributionsByRow } from './contributions.js';
import { acceptSelect } from './policy.js';
import { type QueryResult, type QuerySandbox, QueryTimeout } from './sandbox.js';
import { ScopeResolver } from './scope.js';

const finding = (
  rule: string,
  severity: Finding['severity'],
  message: string,
  cells: Finding['cells'] = [],
): Finding => ({
  rule,
  severity,
  message,
  cells,
});

const isFinding = (v: AstNode | Finding): v is Finding => typeof v.rule === 'string' && 'cells' in v;

/** DuckDB's parser, binder and catalog errors quote the SQL; others (conversions) may quote data. */
function describeFailure(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const kind = /^(Parser|Binder|Catalog) Error: [^\n]*/.exec(message);
  return kind ? kind[0] : 'DuckDB stopped with an error while running it (not shown: it may quote data)';
}

class Verification {
  constructor(
    private readonly sandbox: QuerySandbox,
    private readonly resolver: ScopeResolver,
  ) {}

  async run(sql: string, maxRows?: number): Promise<QueryResult | Finding> {
    try {
      return await this.sandbox.run(sql, maxRows);
    } catch (e) {
      if (e instanceof QueryTimeout)
        return finding(
          'query-timeout',
          'block',
          `the query was interrupted after ${this.sandbox.limits.timeoutMs / 1000} s: it cannot be verified; simplify it`,
        );
      return finding('query-failed', 'block', `the query fails against the extract: ${describeFailure(e)}`);
    }
  }

  /** `persons:` as an expression, or a finding when it is not a single column reference. */
  async personsExpression(persons: string): Promise<AstNode | Finding> {
    const parsed = acceptSelect(await this.sandbox.parse(`SELECT ${persons}`), new Set());
    const item =
      parsed.statement && isNode(parsed.statement.node) ? nodeList(parsed.statement.node.select_list) : [];
    if (item.length === 1 && item[0]?.class === 'COLUMN_REF' && !item[0].alias) return item[0];
    return finding(
      'query-persons',
      'block',
      `persons: ${persons} in outputs.yaml must name one column, such as b.pnr`,
    );
  }

  async verify(entry: FileEntry & { query: string }, table: Table, sql: string): Promise<QueryEvidence> {
    const name = entry.query;
    const findings: Finding[] = [];
    const accepted = acceptSelect(
      await this.sandbox.parse(sql),
      new Set(this.sandbox.extract.tables.map((t) => t.name)),
    );
    if (!accepted.statement) {
      return {
        findings: accepted.reasons.map((r) => finding('query-refused', 'block', `${name} is refused: ${r}`)),
      };
    }
    let named: AstNode | undefined;
    if (entry.persons !== undefined) {
      const p = await this.personsExpression(entry.persons);
      if (isFinding(p)) return { findings: [p] };
      named = p;
    }
    const analysis = analyse(accepted.statement, this.resolver, this.sandbox.aggregates, named);
    for (const i of analysis.issues) {
      const cells = i.positions.filter((p) => p < table.header.length).map((p) => table.ref(-1, p));
      findings.push(finding(i.rule, i.severity, `${name}: ${i.message}`, cells));
    }
    const counted = analysis.counted ?? accepted.statement;
    const result = await this.run(await this.sandbox.unparse(counted), table.rows.length + 1);
    if ('rule' in result) return { findings: [...findings, result] };
    const width = result.columns.length - analysis.personColumns;
    const comparison = compareResult(table, result, width, name);
    findings.push(...comparison.findings);
    const rowOf = comparison.rowOf;
    if (!rowOf || analysis.personColumns === 0) return { findings };
    const persons = rowOf.map((r) => {
      const counts = (result.rows[r] ?? []).slice(width).map(Number);
      const positive = counts.filter((n) => n > 0);
      return positive.length > 0 ? Math.min(...positive) : 0;
    });
    const evidence: QueryEvidence = { findings, persons };
    const plan = analysis.contributions;
    if (!plan || plan.statistics.length === 0) return evidence;
    const keyOf = (r: number) => cellKey(plan.keys.map((k) => result.rows[r]?.[k] ?? null));
    const seen = new Map<string, number>();
    for (const r of rowOf) seen.set(keyOf(r), (seen.get(keyOf(r)) ?? 0) + 1);
    const parts = await this.run(
      contributionSql(await this.sandbox.unparse(plan.node), width, plan.keys, plan.statistics),
    );
    if ('rule' in parts) return { ...evidence, findings: [...findings, parts] };
    evidence.contributions = contributionsByRow(
      parts,
      plan.keys,
      plan.statistics.map((position) => ({ position, column: result.columns[position] as string })),
      rowOf.map((r) => (seen.get(keyOf(r)) === 1 ? keyOf(r) : undefined)),
    );
    if ([...seen.values()].some((n) => n > 1))
      findings.push(
        finding(
          'query-analysis',
          'review',
          `${name}: some cells are not told apart by the columns shown (a grouping column is left out): their contributions cannot be checked`,
        ),
      );
    return evidence;
  }
}

function readTable(file: OutputFile): Table | undefined {
  const text = decodeText(file.bytes);
  if (text === null) return undefined;
  try {
    return parseCsv(text);
  } catch {
    return undefined;
  }
}

export interface QueryRequest {
  files: readonly OutputFile[];
  metadata?: OutputsMetadata;
}

/**
 * Evidence for every query-backed file of a request, by path, from one sandbox over the extract.
 * Files whose CSV cannot be read get none: the checker blocks them on their own.
 */
export async function verifyWithSandbox(
  sandbox: QuerySandbox,
  request: QueryRequest,
): Promise<Record<string, QueryEvidence>> {
  const verification = new Verification(sandbox, new ScopeResolver(sandbox.extract.tables));
  const byPath = new Map(request.files.map((f) => [normalisePath(f.path), f]));
  const evidence: Record<string, QueryEvidence> = {};
  for (const file of request.files) {
    const entry = entryFor(request.metadata, file.path);
    if (!entry?.query) continue;
    const table = readTable(file);
    if (!table) continue;
    const queryFile = byPath.get(normalisePath(entry.query));
    const sql = queryFile ? decodeText(queryFile.bytes) : null;
    if (sql === null) {
      evidence[file.path] = {
        findings: [
          finding(
            'query-refused',
            'block',
            `the query ${entry.query} is not part of the request (or is not text): the file cannot be verified`,
          ),
        ],
      };
      continue;
    }
    evidence[file.path] = await verification.verify({ ...entry, query: entry.query }, table, sql);
  }
  return evidence;
}
