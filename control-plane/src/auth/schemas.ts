import { errorBody } from '../http/schemas.js';
import { AUTHORITY_PATTERN, USERNAME_PATTERN } from './accounts.js';
import { ROLES } from './principal.js';

export const roleGrant = {
  type: 'object',
  additionalProperties: false,
  required: ['role'],
  properties: {
    role: { enum: [...ROLES] },
    authority: {
      type: 'string',
      pattern: AUTHORITY_PATTERN,
      description: 'Data authority, for stewards only',
    },
  },
} as const;

export const principalBody = {
  type: 'object',
  required: ['accountId', 'username', 'roles', 'authorities', 'via'],
  properties: {
    accountId: { type: 'string' },
    username: { type: 'string' },
    roles: { type: 'array', items: { enum: [...ROLES] } },
    authorities: { type: 'array', items: { type: 'string' } },
    via: { enum: ['password', 'api_token', 'oidc'] },
  },
} as const;

export const tokenBody = {
  type: 'object',
  required: ['accessToken', 'tokenType', 'expiresIn', 'principal'],
  properties: {
    accessToken: { type: 'string' },
    tokenType: { const: 'Bearer' },
    expiresIn: { type: 'integer', description: 'Seconds until the access token expires' },
    principal: principalBody,
  },
} as const;

export const loginRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

export const accountBody = {
  type: 'object',
  required: ['id', 'username', 'displayName', 'disabled', 'roles'],
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    disabled: { type: 'boolean' },
    roles: { type: 'array', items: roleGrant },
  },
} as const;

export const newAccountRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'displayName', 'roles'],
  properties: {
    username: { type: 'string', pattern: USERNAME_PATTERN },
    displayName: { type: 'string', minLength: 1, maxLength: 200 },
    password: {
      type: 'string',
      minLength: 12,
      maxLength: 1024,
      description: 'Omit for external-only accounts',
    },
    roles: { type: 'array', items: roleGrant, maxItems: 20 },
  },
} as const;

export const accountPatchRequest = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    disabled: { type: 'boolean' },
    roles: { type: 'array', items: roleGrant, maxItems: 20 },
  },
} as const;

export const apiTokenBody = {
  type: 'object',
  required: ['id', 'name', 'createdAt', 'expiresAt', 'lastUsedAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

export { errorBody };
