/**
 * From the parse tree of an accepted SELECT to the queries that count what its cells really hold:
 * - the query with `count(DISTINCT person)` appended to its select list: the same grouping, WHERE
 *   and HAVING, so each result row carries the distinct persons behind it (and the result without
 *   the extra columns is the query's own, to compare with the file);
 * - for sums and means, the same query grouped by person as well, which gives each person's
 *   contribution to each cell (for (n,k)-dominance and p%).
 * What cannot be analysed this way is named, never passed over.
 */
import type { Severity } from '../model.js';
import { type AstNode, aggregate, expressions, isNode, lower, nodeList, nullConstant } from './ast.js';
import { personColumns, resolve, type Scope, type ScopeResolver } from './scope.js';

export interface Issue {
  rule: string;
  severity: Severity;
  message: string;
  /** Result columns (select-list positions) the issue is about. */
  positions: number[];
}

export interface ContributionPlan {
  /** Grouped by cell and person; its columns are the select list, then the person. */
  node: AstNode;
  /** Select-list positions that name the cell (no aggregate). */
  keys: number[];
  /** Select-list positions of sums, means and counts, with each person's part in `node`. */
  statistics: number[];
}

export interface Analysis {
  issues: Issue[];
  /** The query with one `count(DISTINCT …)` column per person expression appended; null if none. */
  counted: AstNode | null;
  /** How many columns `counted` appends. */
  personColumns: number;
  contributions: ContributionPlan | null;
}

/** Aggregates whose value is one person's value (or a list of them). */
const INDIVIDUAL = new Set(
  'min max arg_min arg_max argmin argmax min_by max_by first last any_value arbitrary list array_agg string_agg group_concat listagg histogram mode bit_and bit_or bit_xor bool_and bool_or'.split(
    ' ',
  ),
);
/** Order statistics: a person's value when cells are small or skewed. */
const ORDER_STATISTIC = /^(?:median|quantile.*|percentile.*|approx_quantile|mad|reservoir_quantile)$/;
/** Additive aggregates: each person's part is the same aggregate over their rows (a mean's is their sum). */
const ADDITIVE: Record<string, string> = {
  sum: 'sum',
  fsum: 'fsum',
  sumkahan: 'sumkahan',
  kahan_sum: 'kahan_sum',
  avg: 'sum',
  mean: 'sum',
  favg: 'fsum',
  count: 'count',
  count_star: 'count_star',
};

const issue = (rule: string, severity: Severity, message: string, positions: number[] = []): Issue => ({
  rule,
  severity,
  message,
  positions,
});

function aggregatesIn(expr: unknown, aggregates: ReadonlySet<string>): AstNode[] {
  return [...expressions(expr)].filter(
    (e) => e.class === 'FUNCTION' && aggregates.has(lower(e.function_name)),
  );
}

/** The additive aggregate an item is, through round() and casts, or null. */
function additive(item: AstNode): AstNode | null {
  let e: unknown = item;
  while (isNode(e)) {
    const name = lower(e.function_name);
    if (e.class === 'FUNCTION' && ADDITIVE[name] && !e.distinct) return e;
    if (e.class === 'FUNCTION' && name === 'round') e = nodeList(e.children)[0];
    else if (e.class === 'CAST') e = e.child;
    else return null;
  }
  return null;
}

/** The person expressions to count: the one `persons:` names, or every person column in scope. */
function personsOf(scope: Scope, named: AstNode | undefined, issues: Issue[]): AstNode[] {
  if (named) {
    const names =
      named.class === 'COLUMN_REF' ? (named.column_names as string[]).map((n) => n.toLowerCase()) : [];
    const column = resolve(scope, names);
    if (column?.person) return [named];
    issues.push(
      issue(
        'query-persons',
        'block',
        "persons: in outputs.yaml must name one person-pseudonym column of the query's FROM (a column of the extract, not computed): the cells' persons are counted from it",
      ),
    );
    return [];
  }
  const found = personColumns(scope);
  if (found.length === 0) {
    issues.push(
      issue(
        'query-analysis',
        'review',
        "no person-pseudonym column can be followed into the query's FROM: the persons behind each cell cannot be counted; a person must check the counts",
      ),
    );
  } else if (found.length > 1) {
    issues.push(
      issue(
        'query-persons',
        'review',
        `the query's FROM has several person columns (${found.map((f) => (f.column_names as string[]).join('.')).join(', ')}): name the one the cells count with persons: in outputs.yaml; until then the smallest count of any applies`,
      ),
    );
  }
  return found;
}

export function analyse(
  statement: AstNode,
  resolver: ScopeResolver,
  aggregates: ReadonlySet<string>,
  named?: AstNode,
): Analysis {
  const issues: Issue[] = [];
  const none = (): Analysis => ({ issues, counted: null, personColumns: 0, contributions: null });
  const node = statement.node;
  if (!isNode(node) || node.type !== 'SELECT_NODE') {
    issues.push(
      issue(
        'query-analysis',
        'review',
        'a UNION, INTERSECT or EXCEPT cannot be analysed cell by cell: a person must check the counts',
      ),
    );
    return none();
  }
  const items = nodeList(node.select_list);
  const modifiers = nodeList(node.modifiers);
  if (modifiers.some((m) => m.type === 'DISTINCT_MODIFIER'))
    issues.push(
      issue(
        'query-analysis',
        'review',
        'SELECT DISTINCT cannot be analysed cell by cell: group with GROUP BY instead',
      ),
    );
  const windowed = [...expressions([items, node.having])].some((e) => e.class === 'WINDOW') || node.qualify;
  if (windowed)
    issues.push(
      issue(
        'query-analysis',
        'review',
        'window functions (OVER, QUALIFY) combine cells: they cannot be analysed cell by cell; a person must check the result',
      ),
    );
  if ([...expressions([items, node.having])].some((e) => e.class === 'SUBQUERY'))
    issues.push(
      issue(
        'query-analysis',
        'review',
        'a subquery in the select list or HAVING can read other cells: a person must check the result',
      ),
    );
  if (issues.length > 0) return none();

  const perItem = items.map((item) => aggregatesIn(item, aggregates));
  const grouped =
    nodeList(node.group_expressions).length > 0 || node.aggregate_handling === 'FORCE_AGGREGATES';
  if (!grouped && perItem.every((a) => a.length === 0)) {
    issues.push(
      issue(
        'query-rows',
        'block',
        'the query has no GROUP BY and no aggregate: it returns rows of the extract, not a table of aggregates',
      ),
    );
    return none();
  }
  const hasStar = items.some((i) => i.class === 'STAR');
  const at = (i: number) => (hasStar ? [] : [i]);
  perItem.forEach((aggs, i) => {
    const names = aggs.map((a) => lower(a.function_name));
    const single = names.find((n) => INDIVIDUAL.has(n));
    if (single)
      issues.push(
        issue(
          'query-statistics',
          'block',
          `${single}() is one person's value (or a list of them), not an aggregate of a group`,
          at(i),
        ),
      );
    const order = names.find((n) => ORDER_STATISTIC.test(n));
    if (order)
      issues.push(
        issue(
          'query-statistics',
          'review',
          `${order}() is an order statistic: in a small or skewed cell it is one person's value; a person must check it`,
          at(i),
        ),
      );
  });

  const scope = resolver.scopeOf(node);
  const persons = personsOf(scope, named, issues);
  if (persons.length === 0) return none();
  const counted = structuredClone(node);
  counted.select_list = [
    ...items,
    ...persons.map((p, i) =>
      aggregate('count', [structuredClone(p)], { distinct: true, alias: `__klarsyn_persons_${i}` }),
    ),
  ];
  const result: Analysis = {
    issues,
    counted: { ...statement, node: counted },
    personColumns: persons.length,
    contributions: null,
  };
  if (hasStar || persons.length !== 1) return result;

  const person = persons[0] as AstNode;
  const keys: number[] = [];
  const statistics: number[] = [];
  const perPerson = items.map((item, i) => {
    if ((perItem[i] as AstNode[]).length === 0) {
      keys.push(i);
      return item;
    }
    const agg = additive(item);
    if (!agg || (perItem[i] as AstNode[]).length !== 1) return nullConstant(String(item.alias ?? ''));
    statistics.push(i);
    return { ...agg, alias: '', function_name: ADDITIVE[lower(agg.function_name)] };
  });
  const byPerson = structuredClone(node);
  byPerson.select_list = [...perPerson.map((e) => structuredClone(e)), structuredClone(person)];
  byPerson.having = null;
  byPerson.modifiers = [];
  const groups = nodeList(node.group_expressions);
  if (node.aggregate_handling !== 'FORCE_AGGREGATES') {
    byPerson.group_expressions = [...groups, structuredClone(person)];
    const sets = (node.group_sets as number[][] | undefined) ?? [];
    byPerson.group_sets = sets.length === 0 ? [[groups.length]] : sets.map((s) => [...s, groups.length]);
  }
  result.contributions = { node: { ...statement, node: byPerson }, keys, statistics };
  return result;
}
