/**
 * `outputs.yaml`: what each file of a release request is, beside the files. Other tools write it
 * (the in-workspace submit tool, query-backed outputs), so its shape is fixed here by a schema and
 * unknown keys are refused: a misspelt `count:` must not silently turn off a rule.
 */
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { KlarsynError } from '../errors.js';
import { describeSchemaErrors } from '../schema-errors.js';

export const OUTPUT_KINDS = [
  'frequency',
  'magnitude',
  'regression',
  'histogram',
  'figure',
  'text',
  'code',
] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

export interface FileEntry {
  path: string;
  kind: OutputKind;
  /** Columns that name the cell (region, sex, …). */
  dimensions?: string[];
  /** Columns holding person counts per cell. */
  counts?: string[];
  /** Magnitude columns (sums, means, …). */
  statistics?: string[];
  /** The column with the number of persons contributing to each magnitude cell. */
  contributors?: string;
  /** Residual degrees of freedom of a regression. */
  residual_df?: number;
  /**
   * Query-backed output: a `.sql` file of the request (beside outputs.yaml) holding the DuckDB SELECT
   * over the extract that produced this table. The control plane re-runs it (outputs/query/).
   */
  query?: string;
  /** The person-pseudonym column the cells count (e.g. `b.pnr`), when the query's FROM has several. */
  persons?: string;
}

export interface OutputsMetadata {
  files: FileEntry[];
}

const columns = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } as const;

export const outputsMetadataSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['files'],
  properties: {
    files: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'kind'],
        properties: {
          path: { type: 'string', minLength: 1 },
          kind: { enum: [...OUTPUT_KINDS] },
          dimensions: columns,
          counts: columns,
          statistics: columns,
          contributors: { type: 'string', minLength: 1 },
          residual_df: { type: 'integer', minimum: 0 },
          query: { type: 'string', pattern: '\\.sql$' },
          persons: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(outputsMetadataSchema);

/** Parses `outputs.yaml`; every entry's path must be unique. */
export function parseOutputsMetadata(text: string, source = 'outputs.yaml'): OutputsMetadata {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new KlarsynError('validation_failed', `${source} is not valid YAML: ${(e as Error).message}`);
  }
  if (!validate(doc)) {
    throw new KlarsynError('validation_failed', `${source}: ${describeSchemaErrors(validate.errors)}`, {
      details: validate.errors,
    });
  }
  const metadata = doc as unknown as OutputsMetadata;
  const seen = new Set<string>();
  for (const entry of metadata.files) {
    const path = normalisePath(entry.path);
    if (seen.has(path))
      throw new KlarsynError('validation_failed', `${source}: ${entry.path} is listed twice`);
    seen.add(path);
    queryEntryErrors(entry).forEach((message) => {
      throw new KlarsynError('validation_failed', `${source}: ${entry.path}: ${message}`);
    });
  }
  return metadata;
}

const QUERY_KINDS = new Set<OutputKind>(['frequency', 'magnitude', 'histogram']);

/** What the schema cannot say about `query:` and `persons:`. */
function queryEntryErrors(entry: FileEntry): string[] {
  if (entry.query === undefined) {
    return entry.persons === undefined ? [] : ['persons: names the person column of a query; add query:'];
  }
  const errors: string[] = [];
  if (!QUERY_KINDS.has(entry.kind))
    errors.push(`query: backs a table (frequency, magnitude or histogram), not a ${entry.kind}`);
  if (!/\.csv$/i.test(entry.path)) errors.push('query: backs a CSV result; name the .csv file as path');
  const query = normalisePath(entry.query);
  if (query.startsWith('/') || query.split('/').includes('..'))
    errors.push(`query: ${entry.query} must be a file beside outputs.yaml (no absolute path, no ..)`);
  return errors;
}

/** Paths compare without a leading `./` and with forward slashes. */
export function normalisePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

export function entryFor(metadata: OutputsMetadata | undefined, path: string): FileEntry | undefined {
  const wanted = normalisePath(path);
  return metadata?.files.find((e) => normalisePath(e.path) === wanted);
}
