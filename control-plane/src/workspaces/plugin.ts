import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { TransparencyLog } from '../../../audit/store/transparency-log.js';
import type { Config } from '../config/schema.js';
import { leaderTasksOf } from '../leadership/leader-tasks.js';
import type { ObjectStore } from '../storage/object-store.js';
import { startOutboxServer } from './identity/outbox-server.js';
import { WorkspaceCa } from './identity/workspace-ca.js';
import { openRuntime, outboxSocketPath } from './open-runtime.js';
import { ActivityTracker } from './proxy/activity.js';
import proxyRoutes, { appTokenReader } from './proxy/proxy-routes.js';
import { BrowserSessions } from './proxy/sessions.js';
import { Reconciler } from './reconciler.js';
import { reconcilerTask } from './reconciler-task.js';
import workspaceRoutes from './routes.js';
import type { WorkspaceRuntime } from './runtime.js';
import { WorkspaceService } from './service.js';
import { loadTemplates, shippedTemplatesDir } from './templates.js';

export interface WorkspacesOptions {
  config: Config;
  pool: pg.Pool;
  log: TransparencyLog;
  store: ObjectStore;
  logger: Logger;
}

export interface Workspaces {
  service: WorkspaceService;
  reconciler: Reconciler;
  runtime: WorkspaceRuntime;
  activity: ActivityTracker;
}

declare module 'fastify' {
  interface FastifyInstance {
    workspaces: Workspaces;
  }
}

/**
 * Workspaces: the service, the reconciler loop (on the leader: at start and every
 * `reconcileIntervalSeconds`), the API under /api/v1 and the browser proxy under /workspaces/.
 * Decorates `app.workspaces`.
 */
async function workspaces(app: FastifyInstance, opts: WorkspacesOptions): Promise<void> {
  const { config, pool, log, store, logger } = opts;
  const settings = config.workspaces;
  const templates = loadTemplates(settings.templatesDir ?? shippedTemplatesDir());
  const runtime = await openRuntime(config, store, logger);
  const activity = new ActivityTracker(pool);
  const ca = await WorkspaceCa.open(settings.outbox.caDir ?? join(config.dataDir, 'keys', 'workspace-ca'));
  const reconciler = new Reconciler({
    ca,
    pool,
    log,
    runtime,
    templates,
    store,
    logger,
    provisionTimeoutMs: settings.provisionTimeoutSeconds * 1000,
    // A third of their life left: renewal has two more passes to succeed before they lapse.
    renewBeforeMs: (settings.credentialTtlSeconds * 1000) / 3,
  });
  // The reconciler runs on the leader only; another replica hands its kicks over through PostgreSQL.
  const reconciling = reconcilerTask({
    pool,
    reconciler,
    activity,
    intervalMs: settings.reconcileIntervalSeconds * 1000,
    logger,
  });
  leaderTasksOf(app).add(reconciling);
  const service = new WorkspaceService({
    pool,
    log,
    runtime,
    templates,
    reconciler: { kick: (id) => reconciling.kick(id) },
    store,
    maxActivePerProject: settings.maxActivePerProject,
  });
  runtime.onChange?.((id) => {
    if (reconciling.active()) void reconciler.kick(id);
  });
  const sessions = new BrowserSessions(pool, log, service);
  app.decorate('workspaces', { service, reconciler, runtime, activity });

  let outboxServer: FastifyInstance | undefined;
  app.addHook('onReady', async () => {
    outboxServer = await startOutboxServer({
      pool,
      log,
      store,
      ca,
      serverNames: settings.outbox.serverNames,
      listen: await outboxListenAddress(config),
      logger,
    });
  });
  app.addHook('onClose', async () => {
    await reconciling.stop();
    await reconciler.settle();
    await runtime.close();
    await outboxServer?.close();
  });

  await app.register(workspaceRoutes, { prefix: '/api/v1', service, sessions });
  await app.register(proxyRoutes, {
    sessions,
    runtime,
    activity,
    appToken: appTokenReader(pool),
    secureCookies: config.http.secureCookies,
    logger,
  });
}

/** Local sandboxes reach the outbox service through a Unix socket bound into them; pods over TCP. */
async function outboxListenAddress(
  config: Config,
): Promise<{ path: string } | { host: string; port: number }> {
  if (config.workspaces.runtime === 'kubernetes') {
    return { host: config.workspaces.outbox.host, port: config.workspaces.outbox.port };
  }
  const path = outboxSocketPath(config);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // A socket file left by a control plane that died would block listening.
  await rm(path, { force: true });
  return { path };
}

export default fp(workspaces, { name: 'klarsyn-workspaces', fastify: '5.x' });
