import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { TransparencyLog } from '../../audit/store/transparency-log.js';
import { buildApp } from './app.js';
import { SigningKeyRing } from './auth/signing-keys.js';
import type { Config } from './config/schema.js';
import { type Database, openDatabase } from './db/database.js';
import { waitForSchema } from './db/schema-version.js';
import { masterKeySource } from './extracts/master-key-source.js';
import { periodicLeaderTask } from './leadership/leader-tasks.js';
import { openLeadership } from './leadership/open-leadership.js';
import { ProjectWorkflow } from './projects/workflow.js';
import type { ObjectStore } from './storage/object-store.js';
import { openStorage } from './storage/open-store.js';

export interface RunningServer {
  app: FastifyInstance;
  db: Database;
  store: ObjectStore;
  url: string;
  close(): Promise<void>;
}

export function signingKeyDir(config: Config): string {
  return config.auth.signingKeyDir ?? join(config.dataDir, 'keys', 'token-signing');
}

/** Opens the database (starting the embedded one if needed), builds the app and listens. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  // With several replicas a migration Job applies migrations once; a replica waits for its schema.
  const migrateOnStart = config.database.migrateOnStart || !config.database.url;
  const db = await openDatabase(config, logger, { migrate: migrateOnStart });
  try {
    if (!migrateOnStart) await waitForSchema(db.pool, logger);
    const leadership = openLeadership(config, logger);
    const signingKeys = await SigningKeyRing.open(signingKeyDir(config), config.auth.accessTokenTtlSeconds);
    const auditLog = new TransparencyLog();
    const storage = await openStorage(config);
    const masterKey = masterKeySource(config);
    const app = await buildApp({
      config,
      pool: db.pool,
      signingKeys,
      logger,
      auditLog,
      store: storage.store,
      masterKey,
      leadership,
    });
    const address = await app.listen({ host: config.http.host, port: config.http.port });
    const workflow = new ProjectWorkflow(db.pool, auditLog);
    // Leader only, like the log integrator and the reconciler: HTTP is served by every replica.
    app.leaderTasks.add(periodicLeaderTask('project-expiry', 60_000, () => workflow.expireDue(), logger));
    return {
      app,
      db,
      store: storage.store,
      url: address,
      async close() {
        await app.close();
        await db.close();
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}

/** Stops cleanly on SIGINT/SIGTERM so the embedded database shuts down with the process. */
export function closeOnSignals(server: RunningServer, logger: Logger): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
