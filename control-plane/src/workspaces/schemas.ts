import { WORKSPACE_STATUS } from './status.js';

export const workspaceBody = {
  type: 'object',
  required: [
    'id',
    'projectId',
    'template',
    'kind',
    'runtime',
    'extractVersion',
    'status',
    'desired',
    'createdBy',
    'createdAt',
    'statusChangedAt',
  ],
  properties: {
    id: { type: 'string' },
    projectId: { type: 'string' },
    template: { type: 'string' },
    kind: { enum: ['interactive', 'batch'] },
    runtime: { enum: ['local', 'kubernetes'] },
    extractVersion: { type: 'integer' },
    status: { enum: [...WORKSPACE_STATUS] },
    desired: { enum: ['running', 'stopped', 'deleted'], description: 'Where the reconciler is taking it' },
    reason: { type: ['string', 'null'], description: 'Why it failed or why the platform stopped it' },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
    statusChangedAt: { type: 'string' },
    lastActivityAt: { type: 'string' },
    credentialsExpireAt: { type: ['string', 'null'] },
  },
} as const;

export const templateBody = {
  type: 'object',
  required: ['name', 'description', 'kind', 'app', 'resources'],
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    kind: { enum: ['interactive', 'batch'] },
    app: { type: 'string' },
    resources: {
      type: 'object',
      properties: { cpu: { type: 'string' }, memory: { type: 'string' }, scratch: { type: 'string' } },
    },
    idleTimeoutMinutes: { type: 'integer' },
    maxRuntimeMinutes: { type: 'integer' },
  },
} as const;

export const launchBody = {
  type: 'object',
  additionalProperties: false,
  required: ['template'],
  properties: {
    template: { type: 'string', minLength: 1, maxLength: 64 },
    extractVersion: { type: 'integer', minimum: 1, description: 'Default: the newest published version' },
    script: {
      type: 'string',
      minLength: 3,
      maxLength: 262_144,
      description: 'Batch templates: the script to run, starting with #! naming its interpreter',
    },
  },
} as const;

export const connectBody = {
  type: 'object',
  required: ['url', 'expiresAt'],
  properties: {
    url: { type: 'string', description: 'Open in the browser within a minute; it works once' },
    expiresAt: { type: 'string', description: 'When the browser session ends' },
  },
} as const;

export const projectParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

export const workspaceParams = projectParams;
