import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { buildApp } from '../../control-plane/src/app.js';
import { upsertLocalAccount } from '../../control-plane/src/auth/local-accounts.js';
import type { RoleGrant } from '../../control-plane/src/auth/principal.js';
import { SigningKeyRing } from '../../control-plane/src/auth/signing-keys.js';
import { loadConfig } from '../../control-plane/src/config/load.js';
import type { Config } from '../../control-plane/src/config/schema.js';
import { openDatabase } from '../../control-plane/src/db/database.js';
import { createLogger } from '../../control-plane/src/logger.js';
import { masterKeyFromBytes } from '../../control-plane/src/pseudonym/master-key.js';
import { DirectoryStore } from '../../control-plane/src/storage/directory-store.js';
import type { ObjectStore } from '../../control-plane/src/storage/object-store.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export interface TestApp<S extends ObjectStore = DirectoryStore> {
  app: FastifyInstance;
  pool: pg.Pool;
  config: Config;
  signingKeys: SigningKeyRing;
  database: TestDatabase;
  dataDir: string;
  store: S;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

type Overrides = Record<string, string | number | boolean>;

/** The whole control plane on a fresh real database, built but not listening (use inject). */
export function buildTestApp(t: Teardown, overrides: Overrides = {}): Promise<TestApp> {
  return buildTestAppWithStore(t, {
    overrides,
    openStore: (dataDir) => DirectoryStore.open(join(dataDir, 'objects')),
  });
}

export interface TestAppOptions<S extends ObjectStore> {
  /** Configuration over the test defaults. */
  overrides?: Overrides;
  openStore: (dataDir: string) => Promise<S>;
  /** Cleanup that still needs the database, run once the app has closed. */
  beforeDatabaseCloses?: (pool: pg.Pool, config: Config) => Promise<void>;
}

/** buildTestApp on an object store of the caller's choice (MinIO for the Kubernetes tests). */
export async function buildTestAppWithStore<S extends ObjectStore>(
  t: Teardown,
  options: TestAppOptions<S>,
): Promise<TestApp<S>> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'klarsyn-test-'));
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      'database.url': database.appUrl,
      'database.migrationUrl': database.ownerUrl,
      'database.poolSize': 4,
      'log.level': 'silent',
      ...options.overrides,
    },
  });
  // KLARSYN_TEST_LOG=warn shows the app's logs when a test needs explaining.
  const logger = createLogger(
    (process.env.KLARSYN_TEST_LOG as Config['log']['level'] | undefined) ?? 'silent',
  );
  const db = await openDatabase(config, logger);
  const signingKeys = await SigningKeyRing.open(join(dataDir, 'keys'), config.auth.accessTokenTtlSeconds);
  const store = await options.openStore(dataDir);
  const kek = masterKeyFromBytes(randomBytes(32));
  const app = await buildApp({
    config,
    pool: db.pool,
    signingKeys,
    logger,
    store,
    masterKey: async () => kek,
  });
  await app.ready();
  t.teardown(async () => {
    await app.close();
    await options.beforeDatabaseCloses?.(db.pool, config);
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { app, pool: db.pool, config, signingKeys, database, dataDir, store };
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function addAccount(pool: pg.Pool, username: string, grants: RoleGrant[]): Promise<void> {
  await upsertLocalAccount(pool, { username, displayName: username, password: TEST_PASSWORD, grants });
}

export async function login(
  app: FastifyInstance,
  username: string,
  password = TEST_PASSWORD,
): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  return res.json().accessToken;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
