// The Kubernetes side of the workspace tests: the control plane's RBAC from infra/deploy/rbac
// applied to the real dev API server, a kubeconfig holding a token of exactly that ServiceAccount,
// and a full test app whose workspaces run on Kubernetes with their data in MinIO.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import type { Test } from 'tap';
import { parseAllDocuments, stringify } from 'yaml';
import type { Config } from '../../../control-plane/src/config/schema.js';
import { S3Store } from '../../../control-plane/src/storage/s3-store.js';
import { buildTestAppWithStore, type TestApp } from '../../support/app.js';
import {
  loadKubeConfig,
  type MinioConnection,
  minioConnection,
  uniqueName,
} from '../../support/dev-services.js';
import { readyKwokNode } from '../../support/kube.js';
import { s3Settings, throwawayBucket } from '../../support/minio-buckets.js';
import { freePort } from '../../support/postgres.js';

export const CONTROL_PLANE = { namespace: 'klarsyn-system', name: 'klarsyn-control-plane' };
const RBAC_DIR = new URL('../../../infra/deploy/rbac/', import.meta.url);

export const admin = loadKubeConfig();
export const adminCore = admin.makeApiClient(CoreV1Api);

let installed: Promise<void> | undefined;

/** Applies infra/deploy/rbac/*.yaml as an admin would at install time (once per test process). */
export function installControlPlaneRbac(): Promise<void> {
  installed ??= (async () => {
    await adminCore
      .createNamespace({ body: { metadata: { name: CONTROL_PLANE.namespace } } })
      .catch((error) => {
        if (!(error instanceof ApiException && error.code === 409)) throw error;
      });
    const objects = KubernetesObjectApi.makeApiClient(admin);
    for (const file of readdirSync(RBAC_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .sort()) {
      for (const doc of parseAllDocuments(readFileSync(new URL(file, RBAC_DIR), 'utf8'))) {
        const object = doc.toJS() as KubernetesObject;
        await objects.patch(
          object,
          undefined,
          undefined,
          'klarsyn-tests',
          true,
          PatchStrategy.ServerSideApply,
        );
      }
    }
  })();
  return installed;
}

/** A kubeconfig file that authenticates as the control plane's ServiceAccount, and nothing more. */
export async function controlPlaneKubeconfig(t: Test): Promise<{ path: string; kubeConfig: KubeConfig }> {
  await installControlPlaneRbac();
  const request = await adminCore.createNamespacedServiceAccountToken({
    ...CONTROL_PLANE,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = request.status?.token;
  if (!token) throw new Error('TokenRequest returned no token');
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no current cluster');
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-kubeconfig-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'kubeconfig');
  const ca = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'dev', cluster: { server: cluster.server, 'certificate-authority-data': ca } }],
      users: [{ name: 'klarsyn-control-plane', user: { token } }],
      contexts: [{ name: 'dev', context: { cluster: 'dev', user: 'klarsyn-control-plane' } }],
      'current-context': 'dev',
    }),
    { mode: 0o600 },
  );
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return { path, kubeConfig };
}

export interface KubeTestApp extends TestApp<S3Store> {
  minio: MinioConnection;
  bucket: string;
  kubeconfig: string;
}

/** The whole control plane on a fresh database, workspaces on the dev cluster, objects in MinIO. */
export async function buildKubeTestApp(
  t: Test,
  overrides: Record<string, string | number | boolean> = {},
): Promise<KubeTestApp> {
  const minio = minioConnection();
  const bucket = throwawayBucket(t, minio, 'ws');
  const kubeconfig = (await controlPlaneKubeconfig(t)).path;
  const nodeName = await readyKwokNode(adminCore);
  const ctx = await buildTestAppWithStore(t, {
    overrides: {
      'storage.driver': 's3',
      'storage.endpoint': minio.url,
      'storage.accessKey': minio.accessKey,
      'storage.secretKey': minio.secretKey,
      'storage.bucket': bucket,
      'storage.region': minio.region,
      'workspaces.runtime': 'kubernetes',
      'workspaces.kubernetes.kubeconfig': kubeconfig,
      // Test apps share the cluster; each sweeps only its own workspaces' namespaces.
      'workspaces.kubernetes.installation': uniqueName('test'),
      // infra/dev has no scheduler: pods are bound to a kwok node directly.
      'workspaces.kubernetes.nodeName': nodeName,
      'workspaces.kubernetes.objectStoreCidr': '127.0.0.1/32',
      'workspaces.kubernetes.objectStorePort': minio.port,
      'workspaces.reconcileIntervalSeconds': 3600,
      // Parallel test apps each take a free port for their outbox service (the workspaces'
      // NetworkPolicy names it, so it cannot be 0).
      'workspaces.outbox.port': await freePort(),
      ...overrides,
    },
    openStore: () => S3Store.open(s3Settings(minio, bucket)),
    beforeDatabaseCloses: removeWorkspaceNamespaces,
  });
  return { ...ctx, minio, bucket, kubeconfig };
}

/** Safety net after a test: no namespace of its workspaces outlives it, whatever the test did. */
async function removeWorkspaceNamespaces(pool: import('pg').Pool, config: Config): Promise<void> {
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM workspaces');
  await Promise.all(
    rows.map((r) =>
      adminCore
        .deleteNamespace({ name: `${config.workspaces.kubernetes.namespacePrefix}${r.id}` })
        .catch(() => {}),
    ),
  );
}
