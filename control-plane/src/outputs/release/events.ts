import { eventTypes } from '../../../../audit/store/event-types.js';
import { VERDICTS } from '../model.js';
import { RELEASE_STATUS } from './status.js';

/**
 * What the public log says about output release: which files (names, sizes, SHA-256) a request
 * holds, the checks' verdicts and the rules that fired, that a reviewer voted (not which way: the
 * log is public and the first phase blind), each change of state, what was released and each
 * download. Never file contents, cell values or free-text comments (a comment may quote a cell).
 */
export const RELEASE_FILES_CHANGED = 'release.files_changed';
export const RELEASE_CHECKED = 'release.checked';
export const RELEASE_VOTED = 'release.voted';
export const RELEASE_STATUS_CHANGED = 'release.status_changed';
export const RELEASE_RELEASED = 'release.released';
export const RELEASE_DOWNLOADED = 'release.downloaded';
export const RELEASE_PREVIEWED = 'release.previewed';

const sha256 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const file = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'revision', 'size', 'sha256'],
  properties: { name: { type: 'string' }, revision: { type: 'integer' }, size: { type: 'integer' }, sha256 },
} as const;

eventTypes.register({
  type: RELEASE_FILES_CHANGED,
  description:
    "A researcher took files from a workspace's outbox into a release request, replaced or removed them",
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['request', 'workspace', 'added', 'removed'],
    properties: {
      request: { type: 'string' },
      workspace: { type: 'string' },
      added: { type: 'array', items: file },
      removed: { type: 'array', items: { type: 'string' } },
    },
  },
});

eventTypes.register({
  type: RELEASE_CHECKED,
  description: 'The automatic disclosure checks ran on a submitted request: verdict and rules per file',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['request', 'profile', 'files'],
    properties: {
      request: { type: 'string' },
      profile: { type: 'string' },
      files: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'sha256', 'verdict', 'rules'],
          properties: {
            name: { type: 'string' },
            sha256,
            verdict: { enum: [...VERDICTS] },
            rules: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
  },
});

eventTypes.register({
  type: RELEASE_VOTED,
  description:
    'An output reviewer voted on one file revision of a release request. Which way stays out of the public log, so the log cannot break the blind phase; the outcome is logged as the request moves.',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['request', 'file', 'revision', 'sha256'],
    properties: {
      request: { type: 'string' },
      file: { type: 'string' },
      revision: { type: 'integer' },
      sha256,
    },
  },
});

eventTypes.register({
  type: RELEASE_STATUS_CHANGED,
  description: 'A release request moved from one state to another',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['request', 'from', 'to'],
    properties: {
      request: { type: 'string' },
      from: { enum: [...RELEASE_STATUS] },
      to: { enum: [...RELEASE_STATUS] },
    },
  },
});

eventTypes.register({
  type: RELEASE_RELEASED,
  description: 'Approved files were copied to the release area: their names, sizes and SHA-256',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['request', 'files'],
    properties: { request: { type: 'string' }, files: { type: 'array', items: file } },
  },
});

eventTypes.register({
  type: RELEASE_DOWNLOADED,
  description: 'A project member downloaded a released file',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['request', 'file', 'sha256'],
    properties: { request: { type: 'string' }, file: { type: 'string' }, sha256 },
  },
});

eventTypes.register({
  type: RELEASE_PREVIEWED,
  description: 'Someone looked at a submitted file of a release request (author, reviewer or admin)',
  details: {
    type: 'object',
    additionalProperties: false,
    required: ['request', 'file', 'sha256'],
    properties: { request: { type: 'string' }, file: { type: 'string' }, sha256 },
  },
});
