import { eventTypes } from '../../../audit/store/event-types.js';
import { WORKSPACE_STATUS } from './status.js';

/**
 * What the public log says about workspaces: who asked for what, every change of state with its
 * reason, every browser connection and every storage credential handed to a sandbox. Never data.
 */
export const WORKSPACE_REQUESTED = 'workspace.requested';
export const WORKSPACE_STATUS_CHANGED = 'workspace.status_changed';
export const WORKSPACE_CONNECTED = 'workspace.connected';
export const WORKSPACE_CREDENTIALS_ISSUED = 'workspace.credentials_issued';

const prefixes = { type: 'array', items: { type: 'string' } };

eventTypes.register({
  type: WORKSPACE_REQUESTED,
  description: 'A project member (or an admin) launched, restarted, stopped or deleted a workspace',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['action', 'template', 'extract_version', 'runtime'],
    properties: {
      action: { enum: ['launch', 'restart', 'stop', 'delete'] },
      template: { type: 'string' },
      extract_version: { type: 'integer' },
      runtime: { enum: ['local', 'kubernetes'] },
      script_sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    },
  },
});

eventTypes.register({
  type: WORKSPACE_STATUS_CHANGED,
  description: 'A workspace moved from one state to another',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['from', 'to'],
    properties: {
      from: { enum: [...WORKSPACE_STATUS] },
      to: { enum: [...WORKSPACE_STATUS] },
      reason: { type: 'string' },
    },
  },
});

eventTypes.register({
  type: WORKSPACE_CONNECTED,
  description: 'A project member opened a browser session to a running workspace through the proxy',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['session_expires_at'],
    properties: { session_expires_at: { type: 'string' } },
  },
});

eventTypes.register({
  type: WORKSPACE_CREDENTIALS_ISSUED,
  description: "Temporary object-storage credentials were handed to a workspace's sandbox",
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['read_only', 'read_write', 'expires_at'],
    properties: { read_only: prefixes, read_write: prefixes, expires_at: { type: 'string' } },
  },
});
