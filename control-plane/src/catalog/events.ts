import { eventTypes } from '../../../audit/store/event-types.js';

/** Catalog changes are public decisions: who described which source with which variables. */
eventTypes.register({
  type: 'catalog.source_published',
  description: 'A steward published or changed the description of a data source',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['source', 'authority', 'variables'],
    properties: {
      source: { type: 'string' },
      authority: { type: 'string' },
      variables: { type: 'array', items: { type: 'string' } },
    },
  },
});

export const SOURCE_PUBLISHED = 'catalog.source_published';
