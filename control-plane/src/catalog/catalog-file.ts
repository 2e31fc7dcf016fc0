import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { KlarsynError } from '../errors.js';
import { describeSchemaErrors } from '../schema-errors.js';
import type { Authority, Catalog, Source } from './model.js';
import { catalogFileSchema, sourceSchema } from './schemas.js';

const ajv = new Ajv({ allErrors: false, useDefaults: true, strict: false });
const validateFile = ajv.compile(catalogFileSchema);
const validateSource = ajv.compile(sourceSchema);

/** Parses a catalog description (YAML) into checked values; nothing is stored here. */
export function parseCatalogFile(text: string, known: Catalog = { authorities: [], sources: [] }): Catalog {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new KlarsynError('validation_failed', `catalog file is not valid YAML: ${(e as Error).message}`);
  }
  if (!validateFile(doc)) {
    throw new KlarsynError(
      'validation_failed',
      `catalog file: ${describeSchemaErrors(validateFile.errors)}`,
      {
        details: validateFile.errors,
      },
    );
  }
  const catalog = doc as unknown as Catalog;
  const authorities = new Map<string, Authority>(
    [...known.authorities, ...catalog.authorities].map((a) => [a.code, a]),
  );
  const sources = new Map<string, Source>([...known.sources, ...catalog.sources].map((s) => [s.id, s]));
  for (const source of catalog.sources) checkSource(source, authorities, sources);
  return catalog;
}

/** Validates one source sent through the API against the current catalog. */
export function parseSource(body: unknown, known: Catalog): Source {
  if (!validateSource(body)) {
    throw new KlarsynError('validation_failed', `source: ${describeSchemaErrors(validateSource.errors)}`);
  }
  const source = body as unknown as Source;
  const sources = new Map(known.sources.map((s) => [s.id, s]));
  sources.set(source.id, source);
  checkSource(source, new Map(known.authorities.map((a) => [a.code, a])), sources);
  return source;
}

/** Rules a schema cannot say: references resolve, CPR columns are direct identifiers, names are unique. */
function checkSource(
  source: Source,
  authorities: Map<string, Authority>,
  sources: Map<string, Source>,
): void {
  const fail = (why: string) => {
    throw new KlarsynError('validation_failed', `source ${source.id}: ${why}`);
  };
  if (!authorities.has(source.authority)) fail(`unknown data authority ${source.authority}`);
  if (source.coverage.from > source.coverage.to) fail('coverage.from is after coverage.to');
  const names = new Set<string>();
  for (const v of source.variables) {
    if (names.has(v.name)) fail(`variable ${v.name} is listed twice`);
    names.add(v.name);
    if (v.type === 'cpr' && v.classification !== 'direct_identifier') {
      fail(`variable ${v.name} holds CPR numbers and must be classified direct_identifier`);
    }
  }
  const typeOf = (name: string) => source.variables.find((v) => v.name === name)?.type;
  if (source.personColumn && typeOf(source.personColumn) !== 'cpr')
    fail(`personColumn ${source.personColumn} is not a cpr variable`);
  if (source.periodColumn && !['date', 'integer'].includes(typeOf(source.periodColumn) ?? '')) {
    fail(`periodColumn ${source.periodColumn} must be a date or integer (year) variable`);
  }
  if (!source.personColumn && !source.link) fail('needs a personColumn or a link to a source that has one');
  if (source.link) {
    const target = sources.get(source.link.source);
    if (!target || target.id === source.id) fail(`link to unknown source ${source.link.source}`);
    if (!target?.personColumn) fail(`linked source ${source.link.source} has no person column`);
    if (!typeOf(source.link.column) || !target?.variables.some((v) => v.name === source.link?.column)) {
      fail(`link column ${source.link.column} must exist in both sources`);
    }
  }
}
