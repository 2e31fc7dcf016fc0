import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { KlarsynError } from '../errors.js';
import { describeSchemaErrors } from '../schema-errors.js';

export type Generalisation = 'year' | 'year_month' | 'keep' | { column: string };

export interface GeneralisationPolicy {
  defaults: Partial<Record<'date' | 'integer' | 'string' | 'number', Generalisation>>;
  variables: Record<string, Generalisation>;
}

const TRANSFORM = { type: 'string', pattern: '^(year|year_month|keep|column:[a-z][a-z0-9_]{0,62})$' };
const validate = new Ajv({ allErrors: true }).compile({
  type: 'object',
  additionalProperties: false,
  required: ['variables'],
  properties: {
    defaults: {
      type: 'object',
      additionalProperties: false,
      properties: { date: TRANSFORM, integer: TRANSFORM, string: TRANSFORM, number: TRANSFORM },
    },
    variables: {
      type: 'object',
      propertyNames: { pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$' },
      additionalProperties: TRANSFORM,
    },
  },
});

function transform(text: string): Generalisation {
  return text.startsWith('column:') ? { column: text.slice('column:'.length) } : (text as Generalisation);
}

/** Parses policies/generalisation/*.yaml: per-variable rules first, then defaults by type. */
export function parseGeneralisationPolicy(text: string): GeneralisationPolicy {
  const doc = parseYaml(text) as { defaults?: Record<string, string>; variables: Record<string, string> };
  if (!validate(doc)) {
    throw new KlarsynError(
      'validation_failed',
      `generalisation policy: ${describeSchemaErrors(validate.errors)}`,
    );
  }
  return {
    defaults: Object.fromEntries(Object.entries(doc.defaults ?? {}).map(([k, v]) => [k, transform(v)])),
    variables: Object.fromEntries(Object.entries(doc.variables).map(([k, v]) => [k, transform(v)])),
  };
}

const DEFAULT_POLICY = new URL('../../../policies/generalisation/default.yaml', import.meta.url);
const DEFAULT_POLICY_BUILT = new URL('../../../../policies/generalisation/default.yaml', import.meta.url);

/** The shipped policy, found from both the source tree and the built dist tree. */
export function loadGeneralisationPolicy(): GeneralisationPolicy {
  for (const url of [DEFAULT_POLICY, DEFAULT_POLICY_BUILT]) {
    try {
      return parseGeneralisationPolicy(readFileSync(url, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new KlarsynError('internal', 'policies/generalisation/default.yaml not found');
}
