import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { EmbeddedDatabase } from './embedded.js';
import { type MigrationResult, migrate } from './migrate.js';

export interface Database {
  /** Runtime pool; in embedded mode it logs in as klarsyn_app, not as the owner. */
  pool: pg.Pool;
  /** Connection string of the schema owner, for migrations and operator tools. */
  ownerUrl: string;
  migrations: MigrationResult | undefined;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
}

/**
 * DATABASE_URL selects an external PostgreSQL; without it the process runs its own. The embedded
 * server's module is loaded only then: on import it installs a SIGTERM hook that exits at once (143),
 * which in a pod would cut the graceful shutdown short (no lease release, no connection drain).
 */
export async function openDatabase(
  config: Config,
  log: Logger,
  options: OpenOptions = {},
): Promise<Database> {
  const embedded = config.database.url
    ? undefined
    : await (await import('./embedded.js')).startEmbeddedDatabase(
        config.dataDir,
        config.database.embeddedPort,
        log,
      );
  try {
    const ownerUrl = embedded?.ownerUrl ?? config.database.migrationUrl ?? (config.database.url as string);
    const migrations =
      options.migrate === false ? undefined : await migrateWithOwner(ownerUrl, embedded, log);
    const runtimeUrl = embedded ? appUrl(embedded) : (config.database.url as string);
    const pool = new pg.Pool({ connectionString: runtimeUrl, max: config.database.poolSize });
    pool.on('error', (e) => log.error({ err: e }, 'idle database connection failed'));
    return {
      pool,
      ownerUrl,
      migrations,
      async close() {
        await pool.end();
        await embedded?.stop();
      },
    };
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
}

async function migrateWithOwner(ownerUrl: string, embedded: EmbeddedDatabase | undefined, log: Logger) {
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    const result = await migrate(owner);
    if (result.applied.length > 0) log.info({ applied: result.applied }, 'migrations applied');
    // The runtime role's password lives only in the data dir; set it after 0001 created the role.
    if (embedded)
      await owner.query(`ALTER ROLE klarsyn_app LOGIN PASSWORD ${owner.escapeLiteral(embedded.appPassword)}`);
    return result;
  } finally {
    await owner.end();
  }
}

function appUrl(embedded: EmbeddedDatabase): string {
  return `postgres://klarsyn_app:${encodeURIComponent(embedded.appPassword)}@127.0.0.1:${embedded.port}/klarsyn`;
}
