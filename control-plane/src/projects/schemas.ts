import { PROJECT_STATUS } from './status.js';

const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' } as const;
const NAME = '^[a-z][a-z0-9_]{0,62}$';

export const applicationSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'title',
    'purpose',
    'institution',
    'legalBasis',
    'period',
    'deletionDate',
    'variables',
    'cohort',
  ],
  properties: {
    title: { type: 'string', minLength: 3, maxLength: 300 },
    purpose: { type: 'string', minLength: 10, maxLength: 5000 },
    institution: { type: 'string', minLength: 2, maxLength: 300 },
    legalBasis: { type: 'string', minLength: 2, maxLength: 1000 },
    period: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to'],
      properties: { from: DATE, to: DATE },
    },
    deletionDate: DATE,
    variables: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['source', 'variable', 'justification'],
        properties: {
          source: { type: 'string', pattern: NAME },
          variable: { type: 'string', pattern: NAME },
          justification: { type: 'string', minLength: 3, maxLength: 2000 },
          exact: {
            type: 'boolean',
            description: 'Ask for the exact value of a quasi-identifier instead of its generalised form',
          },
        },
      },
    },
    cohort: {
      type: 'object',
      additionalProperties: false,
      required: ['match', 'criteria'],
      properties: {
        match: { enum: ['any', 'all'] },
        criteria: {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['source', 'variable', 'prefixes'],
            properties: {
              source: { type: 'string', pattern: NAME },
              variable: { type: 'string', pattern: NAME },
              prefixes: {
                type: 'array',
                minItems: 1,
                maxItems: 100,
                items: { type: 'string', pattern: '^[A-Z0-9]{1,10}$' },
                description: 'Code prefixes such as DE11 (ICD-10 in SKS form) or N06A (ATC)',
              },
              from: DATE,
              to: DATE,
            },
          },
        },
      },
    },
  },
} as const;

export const projectSchema = {
  type: 'object',
  required: [
    'id',
    'applicant',
    'status',
    'revision',
    'application',
    'authorities',
    'decisions',
    'createdAt',
    'updatedAt',
  ],
  properties: {
    id: { type: 'string' },
    applicant: { type: 'string' },
    status: { enum: [...PROJECT_STATUS] },
    revision: { type: 'integer' },
    application: applicationSchema,
    authorities: { type: 'array', items: { type: 'string' } },
    decisions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          authority: { type: 'string' },
          decision: { enum: ['approved', 'rejected'] },
          reason: { type: 'string' },
          decidedBy: { type: 'string' },
          decidedAt: { type: 'string' },
        },
      },
    },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

export const decisionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['decision', 'reason'],
  properties: {
    authority: { type: 'string', pattern: '^[A-Z][A-Z0-9-]{1,15}$' },
    decision: { enum: ['approved', 'rejected'] },
    reason: { type: 'string', minLength: 3, maxLength: 2000 },
  },
} as const;
