import { eventTypes } from '../../../audit/store/event-types.js';
import { PROJECT_STATUS } from './status.js';

/** What the public log says about applications: the text people approved, each decision and each change. */
export const PROJECT_SUBMITTED = 'project.submitted';
export const PROJECT_DECISION = 'project.decision';
export const PROJECT_STATUS_CHANGED = 'project.status_changed';

const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };

eventTypes.register({
  type: PROJECT_SUBMITTED,
  description: 'An applicant submitted (or resubmitted after a change) an application',
  details: {
    type: 'object',
    additionalProperties: false,
    required: [
      'revision',
      'title',
      'purpose',
      'institution',
      'legal_basis',
      'authorities',
      'variables',
      'period',
      'deletion_date',
    ],
    properties: {
      revision: { type: 'integer' },
      title: { type: 'string' },
      purpose: { type: 'string' },
      institution: { type: 'string' },
      legal_basis: { type: 'string' },
      authorities: { type: 'array', items: { type: 'string' } },
      variables: { type: 'array', items: { type: 'string' } },
      period: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to'],
        properties: { from: date, to: date },
      },
      deletion_date: date,
    },
  },
});

eventTypes.register({
  type: PROJECT_DECISION,
  description: "A data authority's steward approved or rejected its part of an application",
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['revision', 'authority', 'decision', 'reason'],
    properties: {
      revision: { type: 'integer' },
      authority: { type: 'string' },
      decision: { enum: ['approved', 'rejected'] },
      reason: { type: 'string' },
    },
  },
});

eventTypes.register({
  type: PROJECT_STATUS_CHANGED,
  description: 'A project moved from one state to another',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['from', 'to', 'revision'],
    properties: {
      from: { enum: [...PROJECT_STATUS] },
      to: { enum: [...PROJECT_STATUS] },
      revision: { type: 'integer' },
    },
  },
});
