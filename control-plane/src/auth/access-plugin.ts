import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { KlarsynError } from '../errors.js';
import { type AccessTokens, type ExternalIssuer, unverifiedIssuer } from './access-tokens.js';
import { findAccountById, upsertExternalAccount } from './accounts.js';
import { API_TOKEN_PREFIX, principalForApiToken } from './api-tokens.js';
import { type Access, isAllowed, type Principal } from './principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route. Routes without it are refused to everyone (default deny). */
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

export interface AccessPluginOptions {
  pool: pg.Pool;
  accessTokens: AccessTokens;
  externalIssuer: ExternalIssuer | undefined;
}

/**
 * Authenticates the bearer credential (our JWT, a personal API token, or an external issuer's JWT)
 * and checks the route's declared access before any handler or body parsing runs.
 */
async function accessPlugin(app: FastifyInstance, opts: AccessPluginOptions): Promise<void> {
  app.decorateRequest('principal', undefined);

  app.addHook('onRequest', async (request) => {
    // Unmatched URLs reach the 404 handler; there is nothing to protect there.
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    if (access === 'public') return;
    request.principal = await authenticate(request, opts);
    if (!request.principal) throw new KlarsynError('unauthenticated', 'authentication required');
    if (!isAllowed(access, request.principal)) {
      throw new KlarsynError('forbidden', 'your roles do not allow this action');
    }
  });
}

async function authenticate(
  request: FastifyRequest,
  opts: AccessPluginOptions,
): Promise<Principal | undefined> {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  if (!match) throw new KlarsynError('unauthenticated', 'authorization header must be "Bearer <token>"');
  const token = match[1] as string;
  if (token.startsWith(`${API_TOKEN_PREFIX}_`)) {
    const principal = await principalForApiToken(opts.pool, token);
    if (!principal) throw new KlarsynError('unauthenticated', 'API token unknown, revoked or expired');
    return principal;
  }
  if (opts.externalIssuer && unverifiedIssuer(token) === opts.externalIssuer.issuer) {
    const identity = await opts.externalIssuer.verify(token);
    const accountId = await upsertExternalAccount(opts.pool, identity);
    if ((await findAccountById(opts.pool, accountId))?.disabled) {
      throw new KlarsynError('unauthenticated', 'account disabled');
    }
    const { username, roles, authorities } = identity;
    return { accountId, username, roles, authorities, via: 'oidc' };
  }
  return opts.accessTokens.verify(token);
}

export default fp(accessPlugin, { name: 'klarsyn-access', fastify: '5.x' });
