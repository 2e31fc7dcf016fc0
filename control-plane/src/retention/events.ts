import { eventTypes } from '../../../audit/store/event-types.js';

/** The public, verifiable claim that an ended project's data is gone and its pseudonyms unlinkable. */
export const PROJECT_DATA_DELETED = 'project.data_deleted';

eventTypes.register({
  type: PROJECT_DATA_DELETED,
  description:
    'The project ended: its extract files and review copies were deleted and its keys destroyed, so its pseudonyms can no longer be linked to anyone',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['extract_versions', 'release_requests', 'keys_destroyed'],
    properties: {
      extract_versions: { type: 'array', items: { type: 'integer' } },
      release_requests: { type: 'integer', description: 'requests whose review copies were deleted' },
      keys_destroyed: { type: 'integer' },
    },
  },
});
