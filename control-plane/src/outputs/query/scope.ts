/**
 * Which columns of a query's FROM scope hold person pseudonyms. A column counts as one only when it
 * is, by reference and without any transformation, a person-pseudonym column of an extract table:
 * directly, or passed through a subquery's or CTE's select list. Anything the scope cannot follow
 * (set operations, PIVOT, renamed stars) is opaque: it contributes no person column.
 */
import { type AstNode, columnRef, isNode, lower, nodeList } from './ast.js';
import type { ExtractTable } from './local-extract.js';

export interface ScopeColumn {
  relation: string;
  name: string;
  person: boolean;
}

export interface Scope {
  columns: ScopeColumn[];
  /** Column names a USING or NATURAL join merged: unqualified, they name one value. */
  merged: Set<string>;
}

type Ctes = ReadonlyMap<string, AstNode>;

export class ScopeResolver {
  private readonly tables: Map<string, ExtractTable>;

  constructor(tables: readonly ExtractTable[]) {
    this.tables = new Map(tables.map((t) => [t.name, t]));
  }

  /** The FROM scope of a SELECT node, with the CTEs visible to it. */
  scopeOf(select: AstNode, outer: Ctes = new Map()): Scope {
    return this.from(select.from_table, withCtes(select, outer));
  }

  private from(ref: unknown, ctes: Ctes): Scope {
    const none: Scope = { columns: [], merged: new Set() };
    if (!isNode(ref)) return none;
    const alias = lower(ref.alias);
    if (ref.type === 'BASE_TABLE') {
      const name = lower(ref.table_name);
      const relation = alias || name;
      const cte = ctes.get(name);
      if (cte)
        return { columns: this.outputs(cte, ctes).map((c) => ({ ...c, relation })), merged: new Set() };
      const table = this.tables.get(name);
      if (!table) return none;
      const persons = new Set(table.personColumns.map((c) => c.toLowerCase()));
      return {
        columns: table.columns.map((c) => ({
          relation,
          name: c.toLowerCase(),
          person: persons.has(c.toLowerCase()),
        })),
        merged: new Set(),
      };
    }
    if (ref.type === 'SUBQUERY' && isNode(ref.subquery)) {
      const renames = (ref.column_name_alias as string[] | undefined) ?? [];
      const columns = this.outputs(ref.subquery.node, ctes).map((c, i) => ({
        relation: alias,
        name: renames[i] ? renames[i].toLowerCase() : c.name,
        person: c.person,
      }));
      return { columns, merged: new Set() };
    }
    if (ref.type === 'JOIN') {
      const left = this.from(ref.left, ctes);
      const right = this.from(ref.right, ctes);
      const merged = new Set([...left.merged, ...right.merged]);
      for (const u of (ref.using_columns as string[] | undefined) ?? []) merged.add(u.toLowerCase());
      if (ref.ref_type === 'NATURAL') {
        const names = new Set(left.columns.map((c) => c.name));
        for (const c of right.columns) if (names.has(c.name)) merged.add(c.name);
      }
      return { columns: [...left.columns, ...right.columns], merged };
    }
    return none;
  }

  /** The output columns of a query node; unnamed or opaque ones are not persons. */
  outputs(queryNode: unknown, outer: Ctes): ScopeColumn[] {
    if (!isNode(queryNode) || queryNode.type !== 'SELECT_NODE') return [];
    const ctes = withCtes(queryNode, outer);
    const scope = this.from(queryNode.from_table, ctes);
    return nodeList(queryNode.select_list).flatMap((item): ScopeColumn[] => {
      const alias = lower(item.alias);
      if (item.class === 'STAR') {
        if (item.columns || nodeList(item.replace_list).length > 0 || hasEntries(item.rename_list)) return [];
        const relation = lower(item.relation_name);
        const excluded = new Set(
          ((item.exclude_list as unknown[]) ?? []).map((e) =>
            lower(isNode(e) ? (e.column_names as string[])?.at(-1) : e),
          ),
        );
        return scope.columns
          .filter((c) => (!relation || c.relation === relation) && !excluded.has(c.name))
          .map((c) => ({ relation: '', name: c.name, person: c.person }));
      }
      if (item.class === 'COLUMN_REF') {
        const names = (item.column_names as string[]).map((n) => n.toLowerCase());
        const found = resolve(scope, names);
        return [{ relation: '', name: alias || (names.at(-1) as string), person: found?.person === true }];
      }
      return [{ relation: '', name: alias, person: false }];
    });
  }
}

const hasEntries = (v: unknown) => (Array.isArray(v) ? v.length > 0 : isNode(v) && Object.keys(v).length > 0);

function withCtes(node: AstNode, outer: Ctes): Ctes {
  const map = (node.cte_map as { map?: { key: string; value: { query?: { node?: AstNode } } }[] } | undefined)
    ?.map;
  if (!Array.isArray(map) || map.length === 0) return outer;
  const ctes = new Map(outer);
  for (const e of map) if (e.value?.query?.node) ctes.set(e.key.toLowerCase(), e.value.query.node);
  return ctes;
}

/** The column a reference names, or undefined when it names none or several. */
export function resolve(scope: Scope, names: readonly string[]): ScopeColumn | undefined {
  if (names.length === 2) {
    const hits = scope.columns.filter((c) => c.relation === names[0] && c.name === names[1]);
    return hits.length === 1 ? hits[0] : undefined;
  }
  if (names.length !== 1) return undefined;
  const hits = scope.columns.filter((c) => c.name === names[0]);
  if (hits.length === 1) return hits[0];
  // A USING column: every side holds the same value; it is a person only if each side is.
  if (hits.length > 1 && scope.merged.has(names[0] as string))
    return { relation: '', name: names[0] as string, person: hits.every((h) => h.person) };
  return undefined;
}

/** Expressions naming each person column of the scope once (USING columns once, unqualified). */
export function personColumns(scope: Scope): AstNode[] {
  const seen = new Set<string>();
  const refs: AstNode[] = [];
  for (const c of scope.columns) {
    if (!c.person) continue;
    if (scope.merged.has(c.name)) {
      if (!seen.has(`=${c.name}`)) refs.push(columnRef([c.name]));
      seen.add(`=${c.name}`);
    } else if (c.relation) refs.push(columnRef([c.relation, c.name]));
    else if (scope.columns.filter((o) => o.name === c.name).length === 1) refs.push(columnRef([c.name]));
  }
  return refs;
}
