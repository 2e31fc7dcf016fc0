import { CLASSIFICATIONS, VARIABLE_TYPES } from './model.js';

const NAME = '^[a-z][a-z0-9_]{0,62}$';
const AUTHORITY = '^[A-Z][A-Z0-9-]{1,15}$';
const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const LOCATION = '^[a-z0-9][a-z0-9._/-]{0,200}/$';

export const variableSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type', 'classification'],
  properties: {
    name: { type: 'string', pattern: NAME },
    type: { enum: [...VARIABLE_TYPES] },
    classification: { enum: [...CLASSIFICATIONS] },
    description: { type: 'string', maxLength: 2000, default: '' },
  },
} as const;

export const authoritySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name'],
  properties: {
    code: { type: 'string', pattern: AUTHORITY },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 2000, default: '' },
    outputProfile: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,31}$', default: 'sds' },
  },
} as const;

/** A source as written in a catalog file or sent by a steward. */
export const sourceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'authority', 'name', 'coverage', 'location', 'variables'],
  properties: {
    id: { type: 'string', pattern: NAME },
    authority: { type: 'string', pattern: AUTHORITY },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 4000, default: '' },
    coverage: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to'],
      properties: { from: { type: 'string', pattern: DATE }, to: { type: 'string', pattern: DATE } },
    },
    location: { type: 'string', pattern: LOCATION, description: 'Object-storage prefix, ending in /' },
    personColumn: { type: ['string', 'null'], pattern: NAME, default: null },
    periodColumn: { type: ['string', 'null'], pattern: NAME, default: null },
    link: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['source', 'column'],
      properties: { source: { type: 'string', pattern: NAME }, column: { type: 'string', pattern: NAME } },
      default: null,
    },
    synthetic: { type: 'boolean', default: false },
    variables: { type: 'array', minItems: 1, maxItems: 500, items: variableSchema },
  },
} as const;

export const catalogFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['sources'],
  properties: {
    authorities: { type: 'array', items: authoritySchema, default: [] },
    sources: { type: 'array', items: sourceSchema },
  },
} as const;
