import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { KlarsynError } from '../errors.js';
import { readPolicyFile } from '../policy-files.js';
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

/** The shipped policy. */
export function loadGeneralisationPolicy(): GeneralisationPolicy {
  return parseGeneralisationPolicy(readPolicyFile('policies/generalisation/default.yaml'));
}
