import type { Catalog, Source, Variable } from '../catalog/model.js';
import { KlarsynError } from '../errors.js';
import type { Application } from '../projects/application.js';
import type { Generalisation, GeneralisationPolicy } from './generalisation.js';

/** What happens to one approved variable on its way into the extract. */
export type ColumnTransform =
  | { kind: 'person_pseudonym' }
  | { kind: 'record_pseudonym' }
  | { kind: 'generalise'; rule: Exclude<Generalisation, 'keep'> }
  | { kind: 'keep' };

export interface PlannedColumn {
  variable: Variable;
  transform: ColumnTransform;
}

export interface PlannedTable {
  source: Source;
  columns: PlannedColumn[];
}

/** An approved application turned into what the extract engine must do; pure, so it is tested alone. */
export interface ExtractPlan {
  period: Application['period'];
  cohort: Application['cohort'];
  tables: PlannedTable[];
  /** Every source the engine reads: tables, cohort criteria, and the sources they link through. */
  sources: Source[];
}

export function planExtract(app: Application, catalog: Catalog, policy: GeneralisationPolicy): ExtractPlan {
  const source = (id: string): Source => {
    const found = catalog.sources.find((s) => s.id === id);
    if (!found) throw new KlarsynError('validation_failed', `source ${id} is no longer in the catalog`);
    return found;
  };
  const tables = new Map<string, PlannedTable>();
  for (const requested of app.variables) {
    const src = source(requested.source);
    const variable = src.variables.find((v) => v.name === requested.variable);
    if (!variable) {
      throw new KlarsynError(
        'validation_failed',
        `variable ${requested.source}.${requested.variable} is no longer in the catalog`,
      );
    }
    const table = tables.get(src.id) ?? { source: src, columns: [] };
    table.columns.push({ variable, transform: transformOf(src, variable, requested.exact === true, policy) });
    tables.set(src.id, table);
  }
  const read = new Map<string, Source>();
  const include = (s: Source) => {
    read.set(s.id, s);
    if (s.link) read.set(s.link.source, source(s.link.source));
  };
  for (const t of tables.values()) include(t.source);
  for (const c of app.cohort.criteria) include(source(c.source));
  return {
    period: app.period,
    cohort: app.cohort,
    tables: [...tables.values()],
    sources: [...read.values()],
  };
}

function transformOf(
  source: Source,
  variable: Variable,
  exact: boolean,
  policy: GeneralisationPolicy,
): ColumnTransform {
  if (variable.type === 'cpr') return { kind: 'person_pseudonym' };
  if (variable.type === 'record_id') return { kind: 'record_pseudonym' };
  if (variable.classification !== 'quasi_identifier' || exact) return { kind: 'keep' };
  const rule =
    policy.variables[`${source.id}.${variable.name}`] ??
    policy.defaults[variable.type as keyof GeneralisationPolicy['defaults']] ??
    'keep';
  if (rule === 'keep') return { kind: 'keep' };
  if (typeof rule === 'object' && !source.variables.some((v) => v.name === rule.column)) {
    throw new KlarsynError(
      'validation_failed',
      `generalisation of ${source.id}.${variable.name} names a missing column ${rule.column}`,
    );
  }
  if ((rule === 'year' || rule === 'year_month') && variable.type !== 'date') {
    throw new KlarsynError(
      'validation_failed',
      `generalisation ${rule} applies to dates, not ${source.id}.${variable.name}`,
    );
  }
  return { kind: 'generalise', rule };
}
