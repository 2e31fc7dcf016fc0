// Two control-plane replicas on one database, one bucket and the real API server, electing a leader
// through a Lease. Both serve HTTP; only the leader integrates the log and reconciles workspaces
// (a follower hands its kicks over). The leader is cut off from the API server half-way through
// provisioning a workspace, as in a crash or partition: the follower takes over within the lease
// duration, finishes the workspace, and no workspace or log entry is lost or duplicated.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import t, { type Test } from 'tap';
import { buildApp } from '../../../control-plane/src/app.js';
import { SigningKeyRing } from '../../../control-plane/src/auth/signing-keys.js';
import { loadConfig } from '../../../control-plane/src/config/load.js';
import type { Config } from '../../../control-plane/src/config/schema.js';
import { openDatabase } from '../../../control-plane/src/db/database.js';
import { LeaseElector } from '../../../control-plane/src/leadership/lease-elector.js';
import { createLogger } from '../../../control-plane/src/logger.js';
import { masterKeyFromBytes } from '../../../control-plane/src/pseudonym/master-key.js';
import { S3Store } from '../../../control-plane/src/storage/s3-store.js';
import { loadKubeConfig, minioConnection, uniqueName, waitFor } from '../../support/dev-services.js';
import { createNamespace, deleteNamespace, readyKwokNode } from '../../support/kube.js';
import { s3Settings, throwawayBucket } from '../../support/minio-buckets.js';
import { createTestDatabase, freePort } from '../../support/postgres.js';
import { controlPlaneKubeconfig } from '../workspaces/kube-support.js';
import { approvedProjectWithExtract, launch, seed, waitForStatus } from '../workspaces/support.js';
import { type CuttableLink, cuttableKubeConfig } from './support.js';

const admin = loadKubeConfig();
const core = admin.makeApiClient(CoreV1Api);
const logger = createLogger((process.env.KLARSYN_TEST_LOG as Config['log']['level'] | undefined) ?? 'silent');
const TIMING = { leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 500 };

interface Shared {
  database: Awaited<ReturnType<typeof createTestDatabase>>;
  dataDir: string;
  bucket: string;
  installation: string;
  leaseNamespace: string;
  nodeName: string;
  runtimeKubeconfig: string;
  kek: ReturnType<typeof masterKeyFromBytes>;
  outboxPort: number;
}

interface Replica {
  name: string;
  app: FastifyInstance;
  pool: pg.Pool;
  elector: LeaseElector;
  /** Every reconciliation this replica started. */
  reconciled: string[];
  close(): Promise<void>;
}

/** A kubeconfig file of the control plane's ServiceAccount that goes through `link`. */
function throughLink(file: string, link: CuttableLink, dir: string): string {
  const path = join(dir, `kubeconfig-${randomBytes(4).toString('hex')}`);
  writeFileSync(path, readFileSync(file, 'utf8').replace(/server: \S+/, `server: ${link.url}`), {
    mode: 0o600,
  });
  return path;
}

async function startReplica(t: Test, name: string, shared: Shared, link: CuttableLink): Promise<Replica> {
  const minio = minioConnection();
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: shared.dataDir,
      'database.url': shared.database.appUrl,
      'database.migrationUrl': shared.database.ownerUrl,
      'database.poolSize': 4,
      'log.level': 'silent',
      'storage.driver': 's3',
      'storage.endpoint': minio.url,
      'storage.accessKey': minio.accessKey,
      'storage.secretKey': minio.secretKey,
      'storage.bucket': shared.bucket,
      'storage.region': minio.region,
      'workspaces.runtime': 'kubernetes',
      'workspaces.kubernetes.kubeconfig': throughLink(shared.runtimeKubeconfig, link, shared.dataDir),
      'workspaces.kubernetes.installation': shared.installation,
      'workspaces.kubernetes.nodeName': shared.nodeName,
      'workspaces.kubernetes.objectStoreCidr': '127.0.0.1/32',
      'workspaces.kubernetes.objectStorePort': minio.port,
      'workspaces.reconcileIntervalSeconds': 2,
      // One outbox port for the installation (it is in the workspaces' NetworkPolicy), as in a
      // cluster where each pod has its own address: here 127.0.0.1 and 127.0.0.2.
      'workspaces.outbox.host': name === 'replica-a' ? '127.0.0.1' : '127.0.0.2',
      'workspaces.outbox.port': shared.outboxPort,
    },
  });
  // The first replica migrates (the migration Job's part); the second finds the schema ready.
  const db = await openDatabase(config, logger, { migrate: name === 'replica-a' });
  const signingKeys = await SigningKeyRing.open(join(shared.dataDir, 'keys', 'token'), 600);
  const store = await S3Store.open(s3Settings(minio, shared.bucket));
  const elector = new LeaseElector({
    kubeConfig: link.kubeConfig,
    namespace: shared.leaseNamespace,
    leaseName: 'klarsyn-control-plane',
    identity: name,
    logger,
    ...TIMING,
  });
  const app = await buildApp({
    config,
    pool: db.pool,
    signingKeys,
    logger,
    store,
    masterKey: async () => shared.kek,
    leadership: elector,
  });
  // Count what this replica's reconciler does (every path goes through kick).
  const reconciled: string[] = [];
  const reconciler = app.workspaces.reconciler;
  const kick = reconciler.kick.bind(reconciler);
  reconciler.kick = (id: string) => {
    reconciled.push(id);
    return kick(id);
  };
  await app.ready();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await db.close();
  };
  t.teardown(close);
  return { name, app, pool: db.pool, elector, reconciled, close };
}

t.test(
  'two replicas: one leads, the other takes over when it is cut off; nothing lost or doubled',
  async (t) => {
    const minio = minioConnection();
    const leaseNamespace = uniqueName('ha');
    await createNamespace(core, leaseNamespace);
    const shared: Shared = {
      database: await createTestDatabase(),
      dataDir: mkdtempSync(join(tmpdir(), 'klarsyn-ha-')),
      bucket: throwawayBucket(t, minio, 'ha'),
      installation: uniqueName('ha'),
      leaseNamespace,
      nodeName: await readyKwokNode(core),
      runtimeKubeconfig: (await controlPlaneKubeconfig(t)).path,
      kek: masterKeyFromBytes(randomBytes(32)),
      outboxPort: await freePort(),
    };
    const links = { a: await cuttableKubeConfig(admin), b: await cuttableKubeConfig(admin) };
    t.teardown(async () => {
      const namespaces = await core.listNamespace({
        labelSelector: `klarsyn.dk/installation=${shared.installation}`,
      });
      await Promise.all([
        ...namespaces.items.map((n) => deleteNamespace(core, n.metadata?.name as string)),
        deleteNamespace(core, leaseNamespace),
      ]);
      await links.a.close();
      await links.b.close();
      rmSync(shared.dataDir, { recursive: true, force: true });
    });

    const a = await startReplica(t, 'replica-a', shared, links.a);
    await waitFor('replica-a to lead', async () => (a.elector.isLeader() ? true : undefined));
    const b = await startReplica(t, 'replica-b', shared, links.b);
    await new Promise((r) => setTimeout(r, 3 * TIMING.retryPeriodMs));
    t.ok(a.elector.isLeader() && !b.elector.isLeader(), 'exactly one leader');
    t.same(
      a.app.leaderTasks.running().sort(),
      ['extract-recovery', 'log-integrator', 'project-data-deletion', 'workspace-reconciler'],
      'the leader runs them',
    );
    t.same(b.app.leaderTasks.running(), [], 'the follower runs no periodic writer');

    // HTTP is served by both: set up through the leader, work through the follower.
    const people = await seed(
      { app: a.app, pool: a.pool },
      await S3Store.open(s3Settings(minio, shared.bucket)),
    );
    const projectId = await approvedProjectWithExtract(b.app, people.anna);
    const first = (await launch(b.app, people.anna, projectId, { template: 'jupyter' })).json().id as string;
    const firstView = await waitForStatus(b.app, people.anna, first, ['running', 'failed']);
    t.equal(firstView.status, 'running', `provisioned (${firstView.reason ?? 'no failure'})`);
    t.ok(
      a.reconciled.includes(first),
      "the leader reconciled the follower's workspace (handed over by NOTIFY)",
    );
    t.same(b.reconciled, [], 'the follower reconciled nothing');

    // The leader loses the API server half-way through provisioning the second workspace.
    const second = (await launch(b.app, people.anna, projectId, { template: 'jupyter' })).json().id as string;
    const statusOf = async (id: string) =>
      (await b.pool.query<{ status: string }>('SELECT status FROM workspaces WHERE id = $1', [id])).rows[0]
        ?.status;
    await waitFor(
      'the leader to be provisioning it',
      async () => ((await statusOf(second)) === 'provisioning' ? true : undefined),
      { intervalMs: 5 },
    );
    const cutAt = Date.now();
    links.a.cut();
    t.ok(a.reconciled.includes(second), 'the leader had started on it');
    t.equal(await statusOf(second), 'provisioning', 'cut while the leader was provisioning it');
    await waitFor('replica-b to take over', async () => (b.elector.isLeader() ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    const takeover = Date.now() - cutAt;
    t.ok(
      takeover <= TIMING.leaseDurationMs + 3 * TIMING.retryPeriodMs,
      `taken over ${takeover} ms after the cut (lease ${TIMING.leaseDurationMs} ms)`,
    );
    t.notOk(a.elector.isLeader(), 'the cut-off replica stepped down');
    await waitFor('the old leader to stop its tasks', async () =>
      a.app.leaderTasks.running().length === 0 ? true : undefined,
    );
    // The successor starts its tasks one after another; the reconciler's start waits for a
    // PostgreSQL LISTEN connection.
    const leaderWork = [
      'extract-recovery',
      'log-integrator',
      'project-data-deletion',
      'workspace-reconciler',
    ];
    await waitFor('the successor to run every leader task', async () =>
      b.app.leaderTasks.running().length === leaderWork.length ? true : undefined,
    );
    t.same(b.app.leaderTasks.running().sort(), leaderWork);

    const view = await waitForStatus(b.app, people.anna, second, ['running', 'failed'], 120_000);
    t.equal(view.status, 'running', `the successor finished provisioning (${view.reason ?? 'no failure'})`);
    t.ok(b.reconciled.includes(second), 'by its own reconciler');
    t.equal(
      (await waitForStatus(b.app, people.anna, first, ['running'])).status,
      'running',
      'the first still runs',
    );

    // The cut-off replica comes back as a follower.
    links.a.restore();
    await new Promise((r) => setTimeout(r, 4 * TIMING.retryPeriodMs));
    t.ok(b.elector.isLeader() && !a.elector.isLeader(), 'the returning replica follows');

    // Nothing lost or doubled: two workspaces, two namespaces each with one pod.
    const { rows: workspaces } = await b.pool.query<{ id: string }>('SELECT id FROM workspaces ORDER BY id');
    t.same(workspaces.map((w) => w.id).sort(), [first, second].sort(), 'exactly the two workspaces');
    const namespaces = await core.listNamespace({
      labelSelector: `klarsyn.dk/installation=${shared.installation}`,
    });
    t.same(
      namespaces.items.map((n) => n.metadata?.name).sort(),
      [`klarsyn-ws-${first}`, `klarsyn-ws-${second}`].sort(),
      'one namespace per workspace, no orphan',
    );
    for (const id of [first, second]) {
      const pods = await core.listNamespacedPod({ namespace: `klarsyn-ws-${id}` });
      t.equal(pods.items.length, 1, `one pod for ${id}`);
    }

    // The log: everything appended on either replica is integrated once, by whoever led.
    await waitFor('the new leader to integrate every pending entry', async () => {
      const { rows } = await b.pool.query<{ n: string }>('SELECT count(*) AS n FROM tlog_pending');
      return Number(rows[0]?.n) === 0 ? true : undefined;
    });
    const { rows: entries } = await b.pool.query<{ idx: string; data: Buffer }>(
      'SELECT idx, data FROM tlog_entries ORDER BY idx',
    );
    t.same(
      entries.map((e) => Number(e.idx)),
      entries.map((_, i) => i),
      `indices 0..${entries.length - 1} without gaps`,
    );
    const texts = entries.map((e) => e.data.toString('utf8'));
    t.equal(new Set(texts).size, texts.length, 'no entry twice');
    const { rows: checkpoint } = await b.pool.query<{ size: string }>(
      'SELECT max(size) AS size FROM tlog_checkpoints',
    );
    t.equal(Number(checkpoint[0]?.size), entries.length, 'the latest checkpoint covers every entry');
    const events = texts.map((x) => JSON.parse(x) as { type: string; details?: { to?: string } });
    for (const id of [first, second]) {
      const running = events.filter(
        (e) =>
          e.type === 'workspace.status_changed' &&
          JSON.stringify(e).includes(id) &&
          e.details?.to === 'running',
      );
      t.equal(running.length, 1, `workspace ${id.slice(0, 8)} became running once in the log`);
    }
    t.comment(`takeover after the cut: ${takeover} ms; log entries: ${entries.length}`);
  },
);
