// Two control-plane processes (startServer, as `klarsyn serve` runs in a pod) on one database,
// electing a leader through a Lease on the real API server. The leader is SIGKILLed while events
// are being appended: the other process takes over within the lease duration and integrates every
// event, once, without gaps; HTTP is served by the survivor throughout.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import pg from 'pg';
import t from 'tap';
import { stringify } from 'yaml';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { writeInstallKeys } from '../../../control-plane/src/cli/install-keys.js';
import { migrate } from '../../../control-plane/src/db/migrate.js';
import { kubeConfigPath, loadKubeConfig, uniqueName, waitFor } from '../../support/dev-services.js';
import { createNamespace, deleteNamespace } from '../../support/kube.js';
import { createTestDatabase } from '../../support/postgres.js';
import { testEvent } from '../transparency-log/support.js';

const CHILD = fileURLToPath(new URL('./serve-child.ts', import.meta.url));
const LEASE = { leaseDurationSeconds: 4, renewDeadlineSeconds: 3, retryPeriodSeconds: 0.5 };
const admin = loadKubeConfig();
const core = admin.makeApiClient(CoreV1Api);
const coordination = admin.makeApiClient(CoordinationV1Api);

interface Replica {
  name: string;
  child: ChildProcess;
  url: Promise<string>;
  running: string[];
}

t.test('SIGKILL of the leader: the survivor takes over and integrates every event once', async (t) => {
  const namespace = uniqueName('kill');
  await createNamespace(core, namespace);
  const database = await createTestDatabase();
  const root = mkdtempSync(join(tmpdir(), 'klarsyn-kill-'));
  const replicas: Replica[] = [];
  t.teardown(async () => {
    for (const r of replicas) r.child.kill('SIGKILL');
    await deleteNamespace(core, namespace);
    rmSync(root, { recursive: true, force: true });
  });

  // What an install has: the Secrets (one key set), the migration Job having run.
  const keys = await writeInstallKeys(join(root, 'keys'));
  const owner = new pg.Client({ connectionString: database.ownerUrl });
  await owner.connect();
  await migrate(owner);
  await owner.end();
  const pool = new pg.Pool({ connectionString: database.appUrl, max: 4 });
  t.teardown(() => pool.end());

  const start = (name: string): Replica => {
    const dataDir = join(root, name);
    mkdirSync(join(dataDir, 'keys'), { recursive: true });
    copyFileSync(
      join(keys['klarsyn-log-signing-key'] as string, 'transparency-log.key'),
      join(dataDir, 'keys', 'transparency-log.key'),
    );
    const configFile = join(dataDir, 'config.yaml');
    writeFileSync(
      configFile,
      stringify({
        dataDir,
        http: { host: '127.0.0.1', port: 0 },
        database: { url: database.appUrl, migrateOnStart: false, poolSize: 4 },
        auth: { signingKeyDir: keys['klarsyn-token-signing-key'] },
        keys: { masterKeyFile: join(keys['klarsyn-master-key'] as string, 'master.key') },
        log: { level: process.env.KLARSYN_TEST_LOG ?? 'silent' },
        storage: { driver: 'directory', root: join(root, 'objects') },
        leaderElection: {
          enabled: true,
          kubeconfig: kubeConfigPath(),
          namespace,
          identity: name,
          ...LEASE,
        },
        workspaces: { outbox: { caDir: keys['klarsyn-workspace-ca'] } },
      }),
    );
    const child = spawn(process.execPath, ['--import=tsx', CHILD], {
      env: { ...process.env, KLARSYN_CONFIG: configFile },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const replica: Replica = { name, child, running: [], url: Promise.resolve('') };
    replica.url = new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        let message: { url?: string; running?: string[] };
        try {
          message = JSON.parse(line);
        } catch {
          return;
        }
        if (message.url) resolve(message.url);
        if (message.running) replica.running = message.running;
      });
    });
    replicas.push(replica);
    return replica;
  };
  const holder = async () =>
    (await coordination.readNamespacedLease({ namespace, name: 'klarsyn-control-plane' })).spec
      ?.holderIdentity;

  const a = start('replica-a');
  await a.url;
  await waitFor('replica-a to lead', async () => ((await holder()) === 'replica-a' ? true : undefined));
  const b = start('replica-b');
  const bUrl = await b.url;
  await waitFor('replica-a to run the leader tasks', async () =>
    a.running.includes('log-integrator') ? true : undefined,
  );
  await new Promise((r) => setTimeout(r, 1000));
  t.same(b.running, [], 'the follower runs no leader task');
  t.same(a.running, [
    'extract-recovery',
    'log-integrator',
    'project-data-deletion',
    'project-expiry',
    'workspace-reconciler',
  ]);

  const log = new TransparencyLog();
  const appended: number[] = [];
  const append = async (n: number) => {
    await log.append(testEvent(n), pool);
    appended.push(n);
  };
  for (let n = 0; n < 50; n++) await append(n);
  const pending = async () =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM tlog_pending')).rows[0]?.n);
  await waitFor('the leader to integrate', async () => ((await pending()) === 0 ? true : undefined));

  // Kill the leader while events keep coming; nobody releases its lease.
  let killedAt = 0;
  for (let n = 50; n < 150; n++) {
    if (n === 70) {
      a.child.kill('SIGKILL');
      killedAt = Date.now();
    }
    await append(n);
  }
  await waitFor('replica-b to take over', async () => ((await holder()) === 'replica-b' ? true : undefined), {
    timeoutMs: 30_000,
    intervalMs: 50,
  });
  const takeover = Date.now() - killedAt;
  t.ok(
    takeover <= (LEASE.leaseDurationSeconds + 3 * LEASE.retryPeriodSeconds) * 1000,
    `taken over ${takeover} ms after the kill (lease ${LEASE.leaseDurationSeconds} s)`,
  );
  await waitFor(
    'the survivor to integrate everything',
    async () => ((await pending()) === 0 ? true : undefined),
    {
      timeoutMs: 30_000,
    },
  );
  t.same(b.running, [
    'extract-recovery',
    'log-integrator',
    'project-data-deletion',
    'project-expiry',
    'workspace-reconciler',
  ]);

  const { rows } = await pool.query<{ idx: string; data: Buffer }>(
    'SELECT idx, data FROM tlog_entries ORDER BY idx',
  );
  const numbers = rows
    .map((r) => JSON.parse(r.data.toString('utf8')) as { type: string; details: { n: number } })
    .filter((e) => e.type === 'test.accessed')
    .map((e) => e.details.n);
  t.same(
    rows.map((r) => Number(r.idx)),
    rows.map((_, i) => i),
    'indices without gaps',
  );
  t.same(
    [...numbers].sort((x, y) => x - y),
    appended,
    `every one of the ${appended.length} events once`,
  );
  const checkpoint = await fetch(`${bUrl}/api/v1/log/checkpoint`);
  t.equal(checkpoint.status, 200, 'the survivor serves the log');
  const size = Number((await checkpoint.text()).split('\n')[1]);
  t.equal(size, rows.length, 'its checkpoint covers every entry');
  t.comment(`takeover after SIGKILL: ${takeover} ms; entries ${rows.length}`);

  // A clean stop releases the lease (as on a pod's SIGTERM).
  const exited = new Promise<number | null>((resolve) => b.child.once('exit', (code) => resolve(code)));
  b.child.kill('SIGTERM');
  t.equal(await exited, 0, 'a clean exit on SIGTERM');
  t.equal(await holder(), '', 'the lease released on the way out');
});
