import { rmSync } from 'node:fs';
import pg from 'pg';
import { migrate } from '../../../control-plane/src/db/migrate.js';
import { startEmbeddedCluster } from '../../support/embedded-postgres.js';

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
  const { dir, port, server } = await startEmbeddedCluster('klarsyn-durable-pg-', SUPER_PASSWORD, [
    '-c',
    'max_connections=200',
    '-c',
    'shared_buffers=512MB',
    ...flags,
  ]);
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
