import type { FastifyInstance, FastifyReply } from 'fastify';
import type pg from 'pg';
import type { Config } from '../config/schema.js';
import { inTransaction } from '../db/transaction.js';
import { KlarsynError } from '../errors.js';
import { commonErrors, errorBody } from '../http/schemas.js';
import type { AccessTokens } from './access-tokens.js';
import { findAccountById, findAccountByUsername, principalOf } from './accounts.js';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens.js';
import type { LoginThrottle } from './login-throttle.js';
import { verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import {
  openRefreshSession,
  REFRESH_COOKIE,
  revokeRefreshSession,
  spendRefreshSession,
} from './refresh-sessions.js';
import { apiTokenBody, idParams, loginRequest, principalBody, tokenBody } from './schemas.js';

export interface AuthRoutesOptions {
  pool: pg.Pool;
  accessTokens: AccessTokens;
  throttle: LoginThrottle;
  auth: Config['auth'];
  secureCookies: boolean;
}

/** Login, refresh, logout, the caller's identity and personal API tokens. Prefix: /api/v1/auth. */
export default async function authRoutes(app: FastifyInstance, opts: AuthRoutesOptions): Promise<void> {
  const { pool, accessTokens, throttle } = opts;

  const issueTokens = async (reply: FastifyReply, principal: Principal) => {
    const refresh = await openRefreshSession(pool, principal.accountId, opts.auth.refreshTokenTtlSeconds);
    reply.setCookie(REFRESH_COOKIE, refresh, {
      httpOnly: true,
      sameSite: 'strict',
      secure: opts.secureCookies,
      path: '/api/v1/auth',
      maxAge: opts.auth.refreshTokenTtlSeconds,
    });
    const { token, expiresIn } = await accessTokens.issue(principal);
    return { accessToken: token, tokenType: 'Bearer' as const, expiresIn, principal };
  };

  app.post<{ Body: { username: string; password: string } }>(
    '/login',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Log in with a local account',
        description:
          'Failures say nothing about whether the account exists. Repeated failures are rate limited.',
        body: loginRequest,
        response: { 200: tokenBody, 400: errorBody, 401: errorBody, 429: errorBody },
      },
    },
    async (request, reply) => {
      const username = request.body.username.toLowerCase();
      const wait = await throttle.retryAfter(request.ip, username);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new KlarsynError('too_many_requests', `too many failed logins; try again in ${wait} s`);
      }
      const account = await findAccountByUsername(pool, username);
      const ok = await verifyPassword(account?.passwordHash, request.body.password);
      if (!account || !ok || account.disabled) {
        await throttle.recordFailure(request.ip, username);
        request.log.info({ event: 'login_failed' }, 'login failed');
        throw new KlarsynError('unauthenticated', 'wrong username or password');
      }
      await throttle.recordSuccess(username);
      request.log.info({ event: 'login', accountId: account.id }, 'login');
      return issueTokens(reply, principalOf(account, 'password'));
    },
  );

  app.post(
    '/refresh',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Exchange the refresh cookie for a new access token (the cookie is rotated)',
        response: { 200: tokenBody, 401: errorBody },
      },
    },
    async (request, reply) => {
      const presented = request.cookies[REFRESH_COOKIE];
      if (!presented) throw new KlarsynError('unauthenticated', 'no refresh cookie');
      const accountId = await inTransaction(pool, (tx) => spendRefreshSession(tx, presented));
      const account = accountId ? await findAccountById(pool, accountId) : undefined;
      if (!account || account.disabled)
        throw new KlarsynError('unauthenticated', 'refresh token invalid or expired');
      return issueTokens(reply, principalOf(account, 'password'));
    },
  );

  app.post(
    '/logout',
    {
      config: { access: 'public' },
      schema: { summary: 'End the browser session', response: { 204: { type: 'null' } } },
    },
    async (request, reply) => {
      const presented = request.cookies[REFRESH_COOKIE];
      if (presented) await revokeRefreshSession(pool, presented);
      reply.clearCookie(REFRESH_COOKIE, { path: '/api/v1/auth' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/me',
    {
      config: { access: 'authenticated' },
      schema: { summary: 'Who am I', response: { 200: principalBody, ...commonErrors } },
    },
    async (request) => request.principal as Principal,
  );

  app.get(
    '/tokens',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'My personal API tokens (never the secrets)',
        response: { 200: { type: 'array', items: apiTokenBody }, ...commonErrors },
      },
    },
    async (request) => listApiTokens(pool, (request.principal as Principal).accountId),
  );

  app.post<{ Body: { name: string; expiresInDays?: number } }>(
    '/tokens',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Create a personal API token for the CLI; the secret is shown only in this response',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            expiresInDays: { type: 'integer', minimum: 1, maximum: 365 },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['token', 'info'],
            properties: { token: { type: 'string' }, info: apiTokenBody },
          },
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal as Principal;
      if (principal.via === 'api_token') {
        throw new KlarsynError('forbidden', 'an API token cannot mint further API tokens; log in');
      }
      const created = await inTransaction(pool, (tx) =>
        createApiToken(tx, principal.accountId, request.body.name, request.body.expiresInDays),
      );
      return reply.code(201).send(created);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/tokens/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Revoke one of my API tokens',
        params: idParams,
        response: { 204: { type: 'null' }, 404: errorBody, ...commonErrors },
      },
    },
    async (request, reply) => {
      const revoked = await inTransaction(pool, (tx) =>
        revokeApiToken(tx, (request.principal as Principal).accountId, request.params.id),
      );
      if (!revoked) throw new KlarsynError('not_found', 'no such active token');
      return reply.code(204).send();
    },
  );
}
