import { eventTypes } from '../../../audit/store/event-types.js';

/** The log says who made which extract of which data, how many rows, and its manifest hash; never data. */
export const EXTRACT_REQUESTED = 'extract.requested';
export const EXTRACT_PUBLISHED = 'extract.published';
export const EXTRACT_FAILED = 'extract.failed';

const strings = { type: 'array', items: { type: 'string' } };

eventTypes.register({
  type: EXTRACT_REQUESTED,
  description: 'A project member asked for a new extract version',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['version'],
    properties: { version: { type: 'integer' } },
  },
});

eventTypes.register({
  type: EXTRACT_PUBLISHED,
  description: 'An extract version was built from the approved scope and published to the project',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['version', 'sources', 'variables', 'rows', 'cohort_size', 'manifest_sha256', 'key_version'],
    properties: {
      version: { type: 'integer' },
      sources: strings,
      variables: strings,
      rows: { type: 'integer' },
      cohort_size: { type: 'integer' },
      manifest_sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      key_version: { type: 'integer' },
    },
  },
});

eventTypes.register({
  type: EXTRACT_FAILED,
  description: 'An extract job failed; nothing of it was published',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['version', 'reason'],
    properties: { version: { type: 'integer' }, reason: { type: 'string' } },
  },
});
