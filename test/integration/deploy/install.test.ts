// The install bundle (infra/deploy, rendered by the pinned kustomize) applied to the real
// kube-apiserver from infra/dev with server-side apply, as an operator would: the API server
// accepts every pod under Pod Security `restricted`, they run on kwok nodes, and the control
// plane's ServiceAccount can do what it needs and is refused the rest.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppsV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  type KubernetesObject,
  KubernetesObjectApi,
  NetworkingV1Api,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  type V1Container,
  type V1PodSpec,
  type V1Secret,
} from '@kubernetes/client-node';
import t from 'tap';
import { writeInstallKeys } from '../../../control-plane/src/cli/install-keys.js';
import { loadConfig } from '../../../control-plane/src/config/load.js';
import { LeaseElector } from '../../../control-plane/src/leadership/lease-elector.js';
import { createLogger } from '../../../control-plane/src/logger.js';
import { loadKubeConfig, uniqueName, waitFor } from '../../support/dev-services.js';
import { readyKwokNode, refusal } from '../../support/kube.js';
import { renderBundle, serverSideApply, serviceAccountKubeConfig } from './support.js';

const NS = 'klarsyn-system';
const SA = 'klarsyn-control-plane';
const admin = loadKubeConfig();
const core = admin.makeApiClient(CoreV1Api);
const apps = admin.makeApiClient(AppsV1Api);
const batch = admin.makeApiClient(BatchV1Api);

/** The Secrets an operator creates before applying (infra/deploy/README.md, "Secrets"). */
function installSecrets(folders: Record<string, string>): V1Secret[] {
  const fromFolder = (name: string, dir: string): V1Secret => ({
    metadata: { name, namespace: NS },
    data: Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')])),
  });
  const plain = (name: string, values: Record<string, string>): V1Secret => ({
    metadata: { name, namespace: NS },
    stringData: values,
  });
  return [
    ...Object.entries(folders).map(([name, dir]) => fromFolder(name, dir)),
    plain('klarsyn-database', {
      url: 'postgres://klarsyn_app:app-secret@klarsyn-postgres:5432/klarsyn',
      'migration-url': 'postgres://klarsyn:owner-secret@klarsyn-postgres:5432/klarsyn',
    }),
    plain('klarsyn-object-store', { 'access-key': 'klarsyn', 'secret-key': 'object-store-secret' }),
    plain('klarsyn-postgres', { 'owner-password': 'owner-secret', 'app-password': 'app-secret' }),
  ];
}

/**
 * infra/dev has no kube-scheduler: the test binds pending pods to kwok nodes (what the scheduler's
 * Binding would do), alternating between them, until stopped.
 */
function standInScheduler(nodes: string[]): { stop(): Promise<void> } {
  let running = true;
  let turn = 0;
  const loop = (async () => {
    while (running) {
      const pods = await core.listNamespacedPod({ namespace: NS }).catch(() => undefined);
      for (const pod of pods?.items ?? []) {
        if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp) continue;
        const name = pod.metadata?.name as string;
        const node = nodes[turn++ % nodes.length] as string;
        await core
          .createNamespacedPodBinding({
            namespace: NS,
            name,
            body: { metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
          })
          .catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function kwokNodes(): Promise<string[]> {
  await readyKwokNode(core);
  const nodes = await core.listNode({ labelSelector: 'type=kwok' });
  return nodes.items.map((n) => n.metadata?.name as string);
}

const sar = admin.makeApiClient(AuthorizationV1Api);
async function allowed(attributes: {
  verb: string;
  resource: string;
  group?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}): Promise<boolean> {
  const review = await sar.createSubjectAccessReview({
    body: {
      spec: {
        user: `system:serviceaccount:${NS}:${SA}`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'],
        resourceAttributes: attributes,
      },
    },
  });
  return review.status?.allowed === true;
}

t.test('the small install applies, its pods run under Pod Security restricted', async (t) => {
  const objects = renderBundle('overlays/small');
  const kinds = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata?.name);
  t.same(kinds('Deployment'), ['klarsyn-control-plane']);
  t.same(kinds('StatefulSet').sort(), ['klarsyn-minio', 'klarsyn-postgres']);
  t.equal(kinds('Job').length, 1, 'one migration Job');

  // What stays after the test is what the workspace tests install too (namespace and RBAC).
  const workloads = objects.filter((o) => !['Namespace', 'ServiceAccount'].includes(o.kind as string));
  const keysDir = mkdtempSync(join(tmpdir(), 'klarsyn-install-keys-'));
  t.teardown(async () => {
    rmSync(keysDir, { recursive: true, force: true });
    await removeInstall(workloads);
  });

  // 1. The namespace, 2. the Secrets, 3. everything else: the order README.md gives.
  await serverSideApply(
    admin,
    objects.filter((o) => o.kind === 'Namespace'),
  );
  const folders = await writeInstallKeys(join(keysDir, 'keys'));
  await serverSideApply(
    admin,
    installSecrets(folders).map((s) => ({ apiVersion: 'v1', kind: 'Secret', ...s })) as KubernetesObject[],
  );
  await serverSideApply(admin, objects);

  const namespace = await core.readNamespace({ name: NS });
  t.equal(namespace.metadata?.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');

  const scheduler = standInScheduler(await kwokNodes());
  t.teardown(() => scheduler.stop());
  const deployment = await waitFor(
    'two available control-plane replicas',
    async () => {
      const d = await apps.readNamespacedDeployment({ namespace: NS, name: 'klarsyn-control-plane' });
      return d.status?.availableReplicas === 2 ? d : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  t.equal(deployment.status?.readyReplicas, 2, 'both replicas ready');
  for (const name of ['klarsyn-postgres', 'klarsyn-minio']) {
    await waitFor(`${name} ready`, async () => {
      const s = await apps.readNamespacedStatefulSet({ namespace: NS, name });
      return s.status?.readyReplicas === 1 ? true : undefined;
    });
  }
  const jobName = kinds('Job')[0] as string;
  const job = await waitFor('the migration Job to run', async () => {
    const j = await batch.readNamespacedJob({ namespace: NS, name: jobName });
    return (j.status?.succeeded ?? 0) + (j.status?.active ?? 0) > 0 ? j : undefined;
  });
  t.ok(job, 'the migration Job ran a pod');

  const pods = (await core.listNamespacedPod({ namespace: NS })).items;
  t.ok(pods.length >= 5, `${pods.length} pods`);
  for (const pod of pods) {
    t.match(pod.status?.phase, /^(Running|Succeeded)$/, `${pod.metadata?.name} is ${pod.status?.phase}`);
    t.ok(pod.spec?.nodeName?.length, 'on a kwok node');
    t.equal(pod.spec?.securityContext?.runAsNonRoot, true, 'runs as non-root');
    for (const c of pod.spec?.containers ?? []) {
      t.equal(c.securityContext?.readOnlyRootFilesystem, true, `${c.name}: read-only root filesystem`);
      t.same(c.securityContext?.capabilities?.drop, ['ALL']);
      t.ok(c.resources?.requests?.cpu && c.resources?.limits?.memory, `${c.name}: requests and limits`);
    }
  }
  const controlPlanePods = pods.filter((p) => p.metadata?.name?.startsWith('klarsyn-control-plane-'));
  t.equal(controlPlanePods.length, 2);
  t.equal(
    controlPlanePods[0]?.spec?.topologySpreadConstraints?.[0]?.topologyKey,
    'kubernetes.io/hostname',
    'replicas are spread over nodes (by the scheduler of a real cluster)',
  );
  const env = controlPlanePods[0]?.spec?.containers[0]?.env ?? [];
  t.equal(
    env.find((e) => e.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath,
    'metadata.name',
    'the leader-election identity is the pod name',
  );

  // Pod Security is enforced, not just labelled: a privileged pod is refused.
  const privileged = await refusal(
    core.createNamespacedPod({
      namespace: NS,
      dryRun: 'All',
      body: {
        metadata: { name: uniqueName('privileged') },
        spec: {
          containers: [{ name: 'x', image: 'registry.invalid/x:1', securityContext: { privileged: true } }],
        },
      },
    }),
  );
  t.equal(privileged.status, 403);
  t.match(privileged.message, /violates PodSecurity "restricted/);

  const pdb = await waitFor('the PodDisruptionBudget status', async () => {
    const p = await admin
      .makeApiClient(PolicyV1Api)
      .readNamespacedPodDisruptionBudget({ namespace: NS, name: 'klarsyn-control-plane' });
    return p.status?.currentHealthy === 2 ? p : undefined;
  });
  t.equal(pdb.status?.disruptionsAllowed, 1, 'a drain may take one replica, never both');
  const policies = await admin.makeApiClient(NetworkingV1Api).listNamespacedNetworkPolicy({ namespace: NS });
  t.ok(
    policies.items.some((p) => p.metadata?.name === 'default-deny'),
    'default-deny network policy in place',
  );

  // Rolling upgrade: the new replica comes up before an old one goes, so two keep serving.
  const minimum = { available: 2 };
  const sampler = setInterval(async () => {
    const d = await apps
      .readNamespacedDeployment({ namespace: NS, name: 'klarsyn-control-plane' })
      .catch(() => undefined);
    const available = d?.status?.availableReplicas;
    if (available !== undefined) minimum.available = Math.min(minimum.available, available);
  }, 100);
  const upgraded = objects.map((o) =>
    o.kind === 'Deployment' ? withImage(o, 'ghcr.io/klarsyn/control-plane:0.2.0') : o,
  );
  await serverSideApply(
    admin,
    upgraded.filter((o) => o.kind === 'Deployment'),
  );
  await waitFor(
    'the rollout to finish',
    async () => {
      const d = await apps.readNamespacedDeployment({ namespace: NS, name: 'klarsyn-control-plane' });
      const s = d.status;
      return s?.observedGeneration === d.metadata?.generation &&
        s?.updatedReplicas === 2 &&
        s?.availableReplicas === 2 &&
        s?.replicas === 2
        ? true
        : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 250 },
  );
  clearInterval(sampler);
  t.equal(minimum.available, 2, 'never fewer than two available replicas during the rollout');
});

t.test('the production overlay is accepted by the API server (server-side dry run)', async (t) => {
  const objects = renderBundle('overlays/production');
  const ingress = objects.find((o) => o.kind === 'Ingress') as KubernetesObject & {
    spec: { tls: unknown[] };
  };
  t.ok(ingress?.spec.tls.length, 'the Ingress example terminates TLS');
  t.notOk(
    objects.some((o) => o.kind === 'StatefulSet'),
    'no in-cluster database or object store',
  );
  await serverSideApply(
    admin,
    objects.filter((o) => o.kind === 'Namespace'),
  );
  await serverSideApply(admin, objects, { dryRun: true });
  t.pass('every object accepted');
});

t.test('the control plane identity: exactly what it needs', async (t) => {
  const objects = renderBundle('base');
  await serverSideApply(
    admin,
    objects.filter((o) => ['Namespace', 'ServiceAccount'].includes(o.kind as string) || isRbac(o)),
  );
  t.teardown(() =>
    admin
      .makeApiClient(CoordinationV1Api)
      .deleteNamespacedLease({ namespace: NS, name: 'klarsyn-control-plane' })
      .catch(() => undefined),
  );

  const needs = {
    'create workspace namespaces': { verb: 'create', resource: 'namespaces' },
    'delete namespaces (stopping a workspace)': { verb: 'delete', resource: 'namespaces' },
    'create its Lease': { verb: 'create', resource: 'leases', group: 'coordination.k8s.io', namespace: NS },
    'renew its Lease': {
      verb: 'update',
      resource: 'leases',
      group: 'coordination.k8s.io',
      namespace: NS,
      name: 'klarsyn-control-plane',
    },
    'bind the workspace role': {
      verb: 'bind',
      resource: 'clusterroles',
      group: 'rbac.authorization.k8s.io',
      name: 'klarsyn-workspace-manager',
    },
  };
  for (const [what, attributes] of Object.entries(needs)) t.ok(await allowed(attributes), `may ${what}`);

  const refused = {
    'read secrets in its own namespace': { verb: 'get', resource: 'secrets', namespace: NS },
    'list secrets in kube-system': { verb: 'list', resource: 'secrets', namespace: 'kube-system' },
    'read secrets cluster-wide': { verb: 'list', resource: 'secrets' },
    'update another Lease in its namespace': {
      verb: 'update',
      resource: 'leases',
      group: 'coordination.k8s.io',
      namespace: NS,
      name: 'someone-else',
    },
    'write Leases in kube-system': {
      verb: 'update',
      resource: 'leases',
      group: 'coordination.k8s.io',
      namespace: 'kube-system',
      name: 'kube-controller-manager',
    },
    'change its own Deployment': { verb: 'patch', resource: 'deployments', group: 'apps', namespace: NS },
    'create pods in its own namespace': { verb: 'create', resource: 'pods', namespace: NS },
    'escalate a ClusterRole': {
      verb: 'escalate',
      resource: 'clusterroles',
      group: 'rbac.authorization.k8s.io',
    },
    'bind cluster-admin': {
      verb: 'bind',
      resource: 'clusterroles',
      group: 'rbac.authorization.k8s.io',
      name: 'cluster-admin',
    },
    'create ClusterRoleBindings': {
      verb: 'create',
      resource: 'clusterrolebindings',
      group: 'rbac.authorization.k8s.io',
    },
    'impersonate users': { verb: 'impersonate', resource: 'users' },
    'impersonate service accounts': { verb: 'impersonate', resource: 'serviceaccounts', namespace: NS },
    'mint tokens': { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: NS },
    'exec into pods': { verb: 'create', resource: 'pods', subresource: 'exec', namespace: NS },
    'read nodes': { verb: 'list', resource: 'nodes' },
    'change admission policies': {
      verb: 'delete',
      resource: 'validatingadmissionpolicies',
      group: 'admissionregistration.k8s.io',
    },
  };
  for (const [what, attributes] of Object.entries(refused))
    t.notOk(await allowed(attributes), `may not ${what}`);

  // And for real, with a token of the ServiceAccount: it wins its Lease (RBAC and the scope policy
  // both let that write through) and is refused a Lease anywhere else.
  const kubeConfig = await serviceAccountKubeConfig(admin, NS, SA);
  const elector = new LeaseElector({
    kubeConfig,
    namespace: NS,
    leaseName: 'klarsyn-control-plane',
    identity: 'klarsyn-control-plane-test',
    leaseDurationMs: 4000,
    renewDeadlineMs: 3000,
    retryPeriodMs: 500,
    logger: createLogger('silent'),
  });
  t.teardown(() => elector.stop());
  await elector.start();
  await waitFor('the control plane to hold its Lease', async () => (elector.isLeader() ? true : undefined));
  t.pass('the control plane acquires its Lease in its own namespace');
  const coordination = kubeConfig.makeApiClient(CoordinationV1Api);
  const elsewhere = await refusal(
    coordination.createNamespacedLease({
      namespace: 'default',
      body: { metadata: { name: 'klarsyn-control-plane' }, spec: { holderIdentity: 'x' } },
    }),
  );
  t.equal(elsewhere.status, 403, 'no Lease outside its namespace');
  const ownSecrets = await refusal(
    kubeConfig.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: NS }),
  );
  t.equal(ownSecrets.status, 403, 'cannot read even its own namespace’s Secrets (they are mounted)');
  const selfEscalation = await refusal(
    kubeConfig.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
      namespace: NS,
      body: {
        metadata: { name: uniqueName('escalate') },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'klarsyn-workspace-manager',
        },
        subjects: [{ kind: 'ServiceAccount', name: SA, namespace: NS }],
      },
    }),
  );
  t.equal(selfEscalation.status, 403, 'cannot bind itself more rights in its own namespace');
});

function isRbac(o: KubernetesObject): boolean {
  return (
    (o.apiVersion ?? '').startsWith('rbac.') || (o.apiVersion ?? '').startsWith('admissionregistration.')
  );
}

function withImage(o: KubernetesObject, image: string): KubernetesObject {
  const copy = structuredClone(o) as KubernetesObject & {
    spec: { template: { spec: { containers: { image: string }[] } } };
  };
  for (const c of copy.spec.template.spec.containers) c.image = image;
  return copy;
}

/** Removes what the install test created, except the namespace and RBAC the workspace tests share. */
async function removeInstall(objects: KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(admin);
  for (const o of objects) {
    if (isRbac(o)) continue;
    await api.delete(o, undefined, undefined, undefined, undefined, 'Background').catch(() => undefined);
  }
  for (const name of [
    'klarsyn-database',
    'klarsyn-object-store',
    'klarsyn-postgres',
    'klarsyn-master-key',
    'klarsyn-log-signing-key',
    'klarsyn-token-signing-key',
    'klarsyn-workspace-ca',
  ]) {
    await core.deleteNamespacedSecret({ namespace: NS, name }).catch(() => undefined);
  }
  await core.deleteCollectionNamespacedPersistentVolumeClaim({ namespace: NS }).catch(() => undefined);
  await waitFor(
    'the install’s pods to go',
    async () => ((await core.listNamespacedPod({ namespace: NS })).items.length === 0 ? true : undefined),
    { timeoutMs: 120_000, intervalMs: 500 },
  ).catch(() => undefined);
}

t.test('each overlay’s configuration is valid and points at what the Deployment mounts', async (t) => {
  for (const overlay of ['overlays/production', 'overlays/small']) {
    const objects = renderBundle(overlay);
    const configMap = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata?.name?.startsWith('klarsyn-config-'),
    ) as KubernetesObject & { data: Record<string, string> };
    const deployment = objects.find((o) => o.kind === 'Deployment') as KubernetesObject & {
      spec: { template: { spec: V1PodSpec } };
    };
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0] as V1Container;
    const dir = mkdtempSync(join(tmpdir(), 'klarsyn-bundle-config-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const mountDir = container.volumeMounts?.find((m) => m.name === 'config')?.mountPath as string;
    const configEnv = container.env?.find((e) => e.name === 'KLARSYN_CONFIG')?.value as string;
    t.equal(configEnv, `${mountDir}/config.yaml`, `${overlay}: KLARSYN_CONFIG is the mounted ConfigMap`);
    writeFileSync(join(dir, 'config.yaml'), configMap.data['config.yaml'] as string);
    // The environment the Deployment gives it (values from Secrets stand in).
    const config = loadConfig({
      file: join(dir, 'config.yaml'),
      env: {
        DATABASE_URL: 'postgres://klarsyn_app:x@db:5432/klarsyn',
        KLARSYN_STORAGE__ACCESS_KEY: 'access',
        KLARSYN_STORAGE__SECRET_KEY: 'secret-key',
        POD_NAME: 'klarsyn-control-plane-abc',
        POD_NAMESPACE: NS,
      },
    });
    t.ok(config.leaderElection.enabled, `${overlay}: leader election on`);
    t.equal(config.database.migrateOnStart, false, `${overlay}: the Job migrates`);
    t.equal(config.workspaces.runtime, 'kubernetes');
    const mountOf = (volume: string) => container.volumeMounts?.find((m) => m.name === volume);
    const under = (path: string | undefined, volume: string) =>
      Boolean(path && mountOf(volume) && path.startsWith(mountOf(volume)?.mountPath as string));
    t.ok(under(config.keys.masterKeyFile, 'master-key'), `${overlay}: master key from its Secret`);
    t.ok(under(config.auth.signingKeyDir, 'token-signing-key'), `${overlay}: token keys from their Secret`);
    t.ok(under(config.workspaces.outbox.caDir, 'workspace-ca'), `${overlay}: workspace CA from its Secret`);
    t.equal(
      mountOf('log-signing-key')?.mountPath,
      join(config.dataDir, 'keys', 'transparency-log.key'),
      `${overlay}: the log key where the log reads it`,
    );
    t.equal(mountOf('data')?.mountPath, config.dataDir, `${overlay}: the data dir is writable scratch`);
    const ports = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
    t.same(ports, { http: config.http.port, outbox: config.workspaces.outbox.port });
    t.equal(config.http.host, '0.0.0.0');
  }
});
