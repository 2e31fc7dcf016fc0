import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Logger } from 'pino';
import { TransparencyLog } from '../../audit/store/transparency-log.js';
import accessPlugin from './auth/access-plugin.js';
import { AccessTokens, ExternalIssuer } from './auth/access-tokens.js';
import accountRoutes from './auth/account-routes.js';
import { LoginThrottle } from './auth/login-throttle.js';
import authRoutes from './auth/routes.js';
import type { SigningKeyRing } from './auth/signing-keys.js';
import catalogRoutes from './catalog/routes.js';
import type { Config } from './config/schema.js';
import { loadGeneralisationPolicy } from './extracts/generalisation.js';
import extractRoutes from './extracts/routes.js';
import { ExtractService } from './extracts/service.js';
import { installErrorHandler } from './http/error-handler.js';
import { installHealth } from './http/health.js';
import { installMetrics } from './http/metrics.js';
import { installApiPage, installOpenApi } from './http/openapi.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { LeaderTasks, periodicLeaderTask } from './leadership/leader-tasks.js';
import { type Leadership, SoleLeader } from './leadership/leadership.js';
import profileRoutes from './outputs/profile-routes.js';
import { openReleaseService, releaseRoutes } from './outputs/release/index.js';
import projectRoutes from './projects/routes.js';
import { ProjectWorkflow } from './projects/workflow.js';
import type { MasterKey } from './pseudonym/master-key.js';
import logRoutes from './register/log-routes.js';
import registerRoutes from './register/routes.js';
import { deleteEndedProjectData } from './retention/project-end.js';
import type { ObjectStore } from './storage/object-store.js';
import webRoutes from './web/plugin.js';
import { launchedExtractVersion } from './workspaces/identity/extract-version.js';
import workspaces from './workspaces/plugin.js';

export interface AppDependencies {
  config: Config;
  pool: pg.Pool;
  signingKeys: SigningKeyRing;
  logger: Logger;
  /** Where every access and decision is appended, in the same transaction as the action. */
  auditLog?: TransparencyLog;
  store: ObjectStore;
  masterKey: () => Promise<MasterKey>;
  /** Who runs the periodic writers; default: this process alone (embedded, single replica). */
  leadership?: Leadership;
}

/** Builds the control plane as a fastify instance without listening; tests call inject() on it. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config, pool, signingKeys } = deps;
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: config.http.bodyLimit,
    trustProxy: config.http.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(given) ? given : randomUUID();
    },
    // Unknown fields are refused, not silently dropped: the caller learns their input was not used.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  // Set when the request arrives, so every answer carries it, errors included; a callback hook,
  // not an async one, since it runs on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  // Leader-only work (log integrator, reconciler, expiry) registers here; HTTP is served by all.
  const leaderTasks = new LeaderTasks(deps.leadership ?? new SoleLeader(), deps.logger);
  app.decorate('leaderTasks', leaderTasks);

  installErrorHandler(app);
  installSecurityHeaders(app);
  await app.register(cookie);
  await installOpenApi(app);

  const accessTokens = new AccessTokens(signingKeys, config.auth);
  const externalIssuer = config.auth.oidc ? new ExternalIssuer(config.auth.oidc) : undefined;
  await app.register(accessPlugin, { pool, accessTokens, externalIssuer });

  installHealth(app, pool);
  installMetrics(app);
  app.get(
    '/.well-known/jwks.json',
    { config: { access: 'public' }, schema: { summary: 'Public keys that verify access tokens' } },
    async () => signingKeys.jwks(),
  );
  await app.register(authRoutes, {
    prefix: '/api/v1/auth',
    pool,
    accessTokens,
    throttle: new LoginThrottle(pool, config.auth.loginMaxFailures, config.auth.loginWindowSeconds * 1000),
    auth: config.auth,
    secureCookies: config.http.secureCookies,
  });
  await app.register(accountRoutes, { prefix: '/api/v1/accounts', pool });
  const log = deps.auditLog ?? new TransparencyLog();
  await app.register(catalogRoutes, { prefix: '/api/v1/catalog', pool, log });
  await app.register(projectRoutes, {
    prefix: '/api/v1/projects',
    pool,
    workflow: new ProjectWorkflow(pool, log),
  });
  await app.register(registerRoutes, { prefix: '/api/v1/register', pool });
  await app.register(logRoutes, { prefix: '/api/v1/log', pool, dataDir: config.dataDir });
  const extracts = new ExtractService({
    pool,
    log,
    store: deps.store,
    masterKey: deps.masterKey,
    policy: loadGeneralisationPolicy(),
    logger: deps.logger,
  });
  // On the leader, at start and every minute: extracts whose replica died are failed cleanly.
  leaderTasks.add(
    periodicLeaderTask(
      'extract-recovery',
      60_000,
      async () => {
        const interrupted = await extracts.recoverInterrupted();
        if (interrupted > 0)
          app.log.warn({ interrupted }, 'extract jobs interrupted by a restart were failed');
      },
      deps.logger,
    ),
  );
  // On the leader, every minute: ended projects lose their data and keys (invariant 2).
  leaderTasks.add(
    periodicLeaderTask(
      'project-data-deletion',
      60_000,
      async () => {
        const ended = await deleteEndedProjectData({ pool, log, store: deps.store });
        if (ended.length > 0)
          app.log.info({ projects: ended }, 'ended projects: data deleted, keys destroyed');
      },
      deps.logger,
    ),
  );
  app.addHook('onClose', () => extracts.settle());
  await app.register(extractRoutes, { prefix: '/api/v1/projects', extracts });
  await app.register(workspaces, { config, pool, log, store: deps.store, logger: deps.logger });
  await app.register(profileRoutes, { prefix: '/api/v1' });
  await app.register(releaseRoutes, {
    prefix: '/api/v1',
    releases: openReleaseService({
      pool,
      log,
      store: deps.store,
      workspaceExtractVersion: launchedExtractVersion(pool),
    }),
  });
  await installApiPage(app);
  await app.register(webRoutes);
  app.addHook('onReady', () => leaderTasks.openAndLead());
  app.addHook('onClose', () => leaderTasks.closeAndResign());
  return app;
}
