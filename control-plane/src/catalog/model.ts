/** The catalog as the rest of the platform sees it: plain values, no I/O. */
export const VARIABLE_TYPES = ['cpr', 'string', 'integer', 'number', 'date', 'boolean', 'record_id'] as const;
export const CLASSIFICATIONS = ['direct_identifier', 'quasi_identifier', 'sensitive', 'other'] as const;

export type VariableType = (typeof VARIABLE_TYPES)[number];
export type Classification = (typeof CLASSIFICATIONS)[number];

export interface Authority {
  code: string;
  name: string;
  description: string;
  outputProfile: string;
}

export interface Variable {
  name: string;
  type: VariableType;
  classification: Classification;
  description: string;
}

export interface Source {
  id: string;
  authority: string;
  name: string;
  description: string;
  coverage: { from: string; to: string };
  location: string;
  personColumn: string | null;
  periodColumn: string | null;
  link: { source: string; column: string } | null;
  synthetic: boolean;
  variables: Variable[];
}

export interface Catalog {
  authorities: Authority[];
  sources: Source[];
}

export function findVariable(catalog: Catalog, sourceId: string, name: string): Variable | undefined {
  return catalog.sources.find((s) => s.id === sourceId)?.variables.find((v) => v.name === name);
}
