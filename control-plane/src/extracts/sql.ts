import type { Source } from '../catalog/model.js';
import { ident, literal } from '../duckdb-sql.js';
import type { CohortCriterion } from '../projects/application.js';
import type { ExtractPlan, PlannedColumn, PlannedTable } from './plan.js';

/**
 * DuckDB SQL for an extract plan. Every identifier comes from the catalog (checked names) and every
 * literal is a checked date or code prefix; both are still quoted, so nothing here trusts them.
 * `relation(source)` names where a source's rows are read from (e.g. read_parquet over its files).
 */
export type Relation = (source: Source) => string;

/** SQL of the pseudonym of a value (an SQL expression), by the key its column's transform names. */
export type PseudonymSql = (kind: 'person_pseudonym' | 'record_pseudonym', value: string) => string;

const cpr = (expr: string) => `replace(CAST(${expr} AS VARCHAR), '-', '')`;
export const stagedName = (source: Source) => ident(`staged_${source.id}`);

function periodCondition(column: string, source: Source, period: { from?: string; to?: string }): string {
  const variable = source.variables.find((v) => v.name === source.periodColumn);
  const parts: string[] = [];
  if (variable?.type === 'integer') {
    if (period.from) parts.push(`${column} >= ${Number(period.from.slice(0, 4))}`);
    if (period.to) parts.push(`${column} <= ${Number(period.to.slice(0, 4))}`);
  } else {
    if (period.from) parts.push(`CAST(${column} AS DATE) >= DATE ${literal(period.from)}`);
    if (period.to) parts.push(`CAST(${column} AS DATE) <= DATE ${literal(period.to)}`);
  }
  return parts.length > 0 ? parts.join(' AND ') : 'true';
}

/** The source whose person column identifies the rows of `source` (itself, or the one it links to). */
function personSource(plan: ExtractPlan, source: Source): Source {
  if (source.personColumn) return source;
  const target = plan.sources.find((s) => s.id === source.link?.source);
  if (!target?.personColumn) throw new Error(`source ${source.id} reaches no person column`);
  return target;
}

/** Rows of `source` joined to the person who owns them: `FROM … WHERE` parts with aliases r (row) and p (person). */
function withPerson(
  plan: ExtractPlan,
  source: Source,
  relation: Relation,
): { from: string; person: string; periodOf: string } {
  const owner = personSource(plan, source);
  const dated = source.periodColumn ? source : owner;
  const alias = dated === source ? 'r' : 'p';
  const periodOf = dated.periodColumn ? `${alias}.${ident(dated.periodColumn)}` : '';
  if (owner === source) {
    return {
      from: `${relation(source)} r`,
      person: cpr(`r.${ident(source.personColumn as string)}`),
      periodOf,
    };
  }
  const key = ident((source.link as { column: string }).column);
  return {
    from: `${relation(source)} r JOIN ${relation(owner)} p ON r.${key} = p.${key}`,
    person: cpr(`p.${ident(owner.personColumn as string)}`),
    periodOf,
  };
}

function criterionSql(plan: ExtractPlan, c: CohortCriterion, relation: Relation): string {
  const source = plan.sources.find((s) => s.id === c.source) as Source;
  const { from, person, periodOf } = withPerson(plan, source, relation);
  const codes = c.prefixes.map((p) => `r.${ident(c.variable)} LIKE ${literal(`${p}%`)}`).join(' OR ');
  const owner = personSource(plan, source);
  const window = periodOf ? periodCondition(periodOf, source.periodColumn ? source : owner, c) : 'true';
  return `SELECT DISTINCT ${person} AS person FROM ${from} WHERE (${codes}) AND ${window}`;
}

/** The approved population: persons matching any (or all) cohort criteria. */
export function cohortSql(plan: ExtractPlan, relation: Relation): string {
  const glue = plan.cohort.match === 'all' ? '\nINTERSECT\n' : '\nUNION\n';
  return `CREATE TEMP TABLE cohort AS ${plan.cohort.criteria.map((c) => criterionSql(plan, c, relation)).join(glue)}`;
}

/** Columns a table needs from its source: the approved ones and those a generalisation reads. */
function neededColumns(table: PlannedTable): string[] {
  const names = table.columns.map((c) => c.variable.name);
  for (const c of table.columns) {
    if (c.transform.kind === 'generalise' && typeof c.transform.rule === 'object')
      names.push(c.transform.rule.column);
  }
  return [...new Set(names)];
}

/** Only cohort members' rows within the approved period, only the needed columns. */
export function stageSql(plan: ExtractPlan, table: PlannedTable, relation: Relation): string {
  const { from, person, periodOf } = withPerson(plan, table.source, relation);
  const owner = personSource(plan, table.source);
  const period = periodOf
    ? periodCondition(periodOf, table.source.periodColumn ? table.source : owner, plan.period)
    : 'true';
  const columns = neededColumns(table)
    .map((n) => `r.${ident(n)}`)
    .join(', ');
  return `CREATE TEMP TABLE ${stagedName(table.source)} AS SELECT ${columns} FROM ${from}
    WHERE ${person} IN (SELECT person FROM cohort) AND ${period}`;
}

function outputExpression(column: PlannedColumn, pseudonym: PseudonymSql): string {
  const name = ident(column.variable.name);
  const t = column.transform;
  if (t.kind === 'person_pseudonym') return `${pseudonym(t.kind, cpr(`s.${name}`))} AS ${name}`;
  if (t.kind === 'record_pseudonym') return `${pseudonym(t.kind, `CAST(s.${name} AS VARCHAR)`)} AS ${name}`;
  if (t.kind === 'keep') return `s.${name} AS ${name}`;
  if (t.rule === 'year') return `year(CAST(s.${name} AS DATE)) AS ${name}`;
  if (t.rule === 'year_month') return `strftime(CAST(s.${name} AS DATE), '%Y-%m') AS ${name}`;
  return `s.${ident(t.rule.column)} AS ${name}`;
}

/** The extract table as it is written: identifiers pseudonymised, quasi-identifiers generalised. */
export function outputSql(table: PlannedTable, pseudonym: PseudonymSql): string {
  const columns = table.columns.map((c) => outputExpression(c, pseudonym));
  return `SELECT ${columns.join(', ')} FROM ${stagedName(table.source)} s`;
}

/** Equivalence classes over the table's quasi-identifiers, counted in persons where a person column is present. */
export function kAnonymitySql(table: PlannedTable, relation: string): string | undefined {
  const qis = table.columns
    .filter((c) => c.variable.classification === 'quasi_identifier')
    .map((c) => ident(c.variable.name));
  if (qis.length === 0) return undefined;
  const person = table.columns.find((c) => c.transform.kind === 'person_pseudonym');
  const size = person ? `count(DISTINCT ${ident(person.variable.name)})` : 'count(*)';
  return `SELECT count(*) AS classes, min(n) AS smallest, count(*) FILTER (WHERE n < 5) AS below_5
    FROM (SELECT ${size} AS n FROM ${relation} GROUP BY ${qis.join(', ')})`;
}
