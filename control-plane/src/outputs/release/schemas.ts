import { VERDICTS } from '../model.js';
import { RELEASE_STATUS } from './status.js';
import { VOTES } from './votes.js';

export const uuid = { type: 'string', format: 'uuid' } as const;
const fileName = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const context = { type: 'string', minLength: 1, maxLength: 20_000 } as const;
const comment = { type: 'string', minLength: 1, maxLength: 5000 } as const;

export const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: uuid },
} as const;

export const fileParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'fileId'],
  properties: { id: uuid, fileId: uuid },
} as const;

export const newRequestBody = {
  type: 'object',
  additionalProperties: false,
  required: ['workspaceId', 'files', 'context'],
  properties: {
    workspaceId: { ...uuid, description: 'The workspace whose outbox holds the files' },
    files: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: fileName },
    context: { ...context, description: 'What the files show and how they were made, for the reviewers' },
  },
} as const;

export const putFileBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { ...fileName, description: "A file in the request's workspace outbox" } },
} as const;

export const editBody = {
  type: 'object',
  additionalProperties: false,
  required: ['context'],
  properties: { context },
} as const;

export const submitBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { context },
} as const;

export const voteBody = {
  type: 'object',
  additionalProperties: false,
  required: ['file', 'vote'],
  properties: {
    file: { ...fileName, description: 'The name of a file of the request' },
    vote: { enum: [...VOTES] },
    comment: { type: 'string', maxLength: 5000, description: 'Required when changes are requested' },
  },
} as const;

export const commentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['comment'],
  properties: { comment: { ...comment, description: 'Shown to the researcher' } },
} as const;

const finding = {
  type: 'object',
  properties: {
    rule: { type: 'string' },
    severity: { type: 'string' },
    message: { type: 'string' },
    cells: {
      type: 'array',
      items: {
        type: 'object',
        properties: { row: { type: 'integer' }, column: { type: 'string' }, value: { type: 'string' } },
      },
    },
  },
} as const;

export const requestSchema = {
  type: 'object',
  required: [
    'id',
    'projectId',
    'workspaceId',
    'author',
    'status',
    'context',
    'files',
    'votes',
    'approvalsPerFile',
    'viewer',
  ],
  properties: {
    id: { type: 'string' },
    projectId: { type: 'string' },
    workspaceId: { type: 'string' },
    author: { type: 'string' },
    status: { enum: [...RELEASE_STATUS] },
    context: { type: 'string' },
    comment: { type: ['string', 'null'] },
    profile: { type: ['string', 'null'] },
    approvalsPerFile: { type: 'integer' },
    viewer: { enum: ['member', 'reviewer', 'admin'] },
    awaitingMyVote: {
      type: 'array',
      items: { type: 'string' },
      description: "For a reviewer: the files whose current revision still lacks the caller's vote",
    },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    submittedAt: { type: ['string', 'null'] },
    releasedAt: { type: ['string', 'null'] },
    metadata: {
      type: 'object',
      properties: { files: { type: 'array', items: { type: 'object', additionalProperties: true } } },
    },
    files: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          revision: { type: 'integer' },
          size: { type: 'integer' },
          sha256: { type: 'string' },
          verdict: { enum: [...VERDICTS, null] },
          findings: { type: ['array', 'null'], items: finding },
          releasedAt: { type: ['string', 'null'] },
          addedAt: { type: 'string' },
        },
      },
    },
    votes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          file: { type: 'string' },
          revision: { type: 'integer' },
          reviewer: { type: 'string' },
          vote: { enum: [...VOTES] },
          comment: { type: 'string' },
          votedAt: { type: 'string' },
          mine: { type: 'boolean' },
        },
      },
    },
  },
} as const;
