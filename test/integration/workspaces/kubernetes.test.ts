// The Kubernetes driver on the real kube-apiserver, kube-controller-manager and kwok, with data in
// the real MinIO, driven by a control plane holding exactly the rights in infra/deploy/rbac
// (DESIGN.md invariant 6).
import { randomUUID } from 'node:crypto';
import {
  type KubernetesObject,
  KubernetesObjectApi,
  NetworkingV1Api,
  PatchStrategy,
  type V1Pod,
} from '@kubernetes/client-node';
import t from 'tap';
import {
  namespace,
  namespaceName,
  pod,
  serviceAccount,
} from '../../../control-plane/src/workspaces/kubernetes/manifests.js';
import { minioClient } from '../../support/dev-services.js';
import { deleteNamespace, isNotFound, refusal } from '../../support/kube.js';
import { kubeSettings, workspaceSpec } from '../../support/workspace-spec.js';
import { admin, adminCore, buildKubeTestApp, type KubeTestApp } from './kube-support.js';
import { approvedProjectWithExtract, launch, logEvents, seed, waitForStatus } from './support.js';

const networking = admin.makeApiClient(NetworkingV1Api);

t.test(
  'invariant 6: a launch creates a restricted namespace with deny-all policies, quota, a tokenless identity, scoped credentials and a Running pod',
  async (t) => {
    const ctx = await buildKubeTestApp(t);
    const { app, pool, store, bucket } = ctx;
    const people = await seed(ctx, store);
    const projectId = await approvedProjectWithExtract(app, people.anna);
    const res = await launch(app, people.anna, projectId, { template: 'jupyter' });
    t.equal(res.statusCode, 202, res.statusCode === 202 ? 'launched' : res.body);
    const id = res.json().id as string;
    const running = await waitForStatus(app, people.anna, id, ['running', 'failed']);
    t.equal(running.status, 'running', running.reason ?? '');
    const ns = `klarsyn-ws-${id}`;

    const namespace = await adminCore.readNamespace({ name: ns });
    t.match(namespace.metadata?.labels, {
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.36',
      'app.kubernetes.io/managed-by': 'klarsyn',
      'klarsyn.dk/workspace': id,
      'klarsyn.dk/project': projectId,
    });

    const policies = (await networking.listNamespacedNetworkPolicy({ namespace: ns })).items;
    const deny = policies.find((p) => p.metadata?.name === 'default-deny');
    t.same(deny?.spec?.podSelector, {}, 'default deny selects every pod');
    t.same(deny?.spec?.policyTypes, ['Ingress', 'Egress'], 'in both directions');
    t.notOk(deny?.spec?.ingress?.length || deny?.spec?.egress?.length, 'and allows nothing');
    const proxy = policies.find((p) => p.metadata?.name === 'allow-proxy');
    t.same(proxy?.spec?.policyTypes, ['Ingress'], 'the proxy opening is ingress only');
    t.match(proxy?.spec?.ingress?.[0], {
      _from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'klarsyn-system' } } }],
      ports: [{ port: 8888 }],
    });
    const objectStore = policies.find((p) => p.metadata?.name === 'allow-object-store');
    t.match(objectStore?.spec?.egress, [
      { to: [{ ipBlock: { cidr: '127.0.0.1/32' } }], ports: [{ port: ctx.minio.port }] },
    ]);
    const outboxService = policies.find((p) => p.metadata?.name === 'allow-outbox-service');
    t.same(outboxService?.spec?.policyTypes, ['Egress'], 'egress to the outbox service');
    t.match(outboxService?.spec?.egress?.[0]?.to, [
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'klarsyn-control-plane' } } },
    ]);
    t.equal(policies.length, 4, 'and no other opening');

    const quota = await adminCore.readNamespacedResourceQuota({ namespace: ns, name: 'workspace' });
    t.match(quota.spec?.hard, { pods: '1', 'limits.cpu': '2', 'limits.memory': '8Gi', services: '0' });
    const limits = await adminCore.readNamespacedLimitRange({ namespace: ns, name: 'workspace' });
    t.match(limits.spec?.limits?.[0]?.max, { cpu: '2', memory: '8Gi' });
    const sa = await adminCore.readNamespacedServiceAccount({ namespace: ns, name: 'workspace' });
    t.equal(sa.automountServiceAccountToken, false, 'the ServiceAccount mounts no token');

    const pod = await adminCore.readNamespacedPod({ namespace: ns, name: 'workspace' });
    t.equal(pod.status?.phase, 'Running', 'the pod runs (on kwok)');
    t.equal(pod.spec?.automountServiceAccountToken, false);
    t.notOk(
      pod.spec?.volumes?.some((v) => v.projected || v.name.startsWith('kube-api-access')),
      'no API token volume was added',
    );
    const container = pod.spec?.containers[0];
    t.match(pod.spec?.securityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    t.match(container?.securityContext, {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    t.match(container?.resources?.limits, { cpu: '2', memory: '8Gi' });
    t.notOk(
      container?.env?.some((e) => /SECRET|SESSION/.test(e.name) && e.value),
      'no credential in plain environment',
    );

    const secret = await adminCore.readNamespacedSecret({ namespace: ns, name: 'storage-credentials' });
    const credentials = Buffer.from(secret.data?.credentials ?? '', 'base64').toString();
    t.match(credentials, /aws_session_token = \S+/, 'the pod gets STS session credentials');
    t.notMatch(credentials, new RegExp(ctx.minio.secretKey), 'never the root secret');
    const issued = await logEvents(pool, 'workspace.credentials_issued');
    t.equal(issued.length, 1, 'invariant 4: the credentials are in the log');
    t.same(issued[0].details.read_only, [`projects/${projectId}/extracts/`]);
    t.same(issued[0].details.read_write, [`projects/${projectId}/workspaces/${id}/outbox/`]);
    t.match(pod.spec?.containers[0]?.env, [{ name: 'HOME' }]);
    t.ok(
      container?.env?.some(
        (e) =>
          e.name === 'KLARSYN_EXTRACT' && e.value === `s3://${bucket}/projects/${projectId}/extracts/v1/`,
      ),
    );
  },
);

t.test(
  'invariant 6: the API server rejects the workspace pod when any restricted field is removed',
  async (t) => {
    // Fresh ids: the namespace is made on the dev cluster that every test shares.
    const spec = workspaceSpec('jupyter', { id: randomUUID(), projectId: randomUUID() });
    const settings = kubeSettings();
    const objects = KubernetesObjectApi.makeApiClient(admin);
    const apply = (object: KubernetesObject, dryRun?: 'All') =>
      objects.patch(object, undefined, dryRun, 'klarsyn-tests', true, PatchStrategy.ServerSideApply);
    await apply(namespace(settings, spec));
    t.teardown(() => deleteNamespace(adminCore, namespaceName(settings, spec.id)));
    await apply(serviceAccount(settings, spec));

    const intact = pod(settings, spec, 'registry.invalid/analysis:1');
    await t.resolves(apply(intact, 'All'), 'the pod as the driver builds it is admitted');

    // Each field Pod Security "restricted" requires, removed everywhere it is set (pod and container).
    const removals: Record<string, (p: V1Pod) => void> = {
      runAsNonRoot: (p) => {
        delete p.spec?.securityContext?.runAsNonRoot;
        delete p.spec?.containers[0]?.securityContext?.runAsNonRoot;
      },
      seccompProfile: (p) => {
        delete p.spec?.securityContext?.seccompProfile;
        delete p.spec?.containers[0]?.securityContext?.seccompProfile;
      },
      allowPrivilegeEscalation: (p) => {
        delete p.spec?.containers[0]?.securityContext?.allowPrivilegeEscalation;
      },
      'capabilities.drop': (p) => {
        delete p.spec?.containers[0]?.securityContext?.capabilities;
      },
    };
    for (const [field, remove] of Object.entries(removals)) {
      const broken = structuredClone(intact);
      remove(broken);
      const refused = await refusal(apply(broken, 'All'));
      t.equal(refused.status, 403, `without ${field}: refused`);
      t.match(
        refused.message,
        /violates PodSecurity "restricted:v1\.36"/,
        `without ${field}: by Pod Security`,
      );
    }
  },
);

/** The STS credentials a workspace's pod would read from its Secret, as a MinIO client. */
async function workspaceClient(ctx: KubeTestApp, workspaceId: string) {
  const secret = await adminCore.readNamespacedSecret({
    namespace: `klarsyn-ws-${workspaceId}`,
    name: 'storage-credentials',
  });
  const file = Buffer.from(secret.data?.credentials ?? '', 'base64').toString();
  const field = (name: string) => new RegExp(`${name} = (\\S+)`).exec(file)?.[1] as string;
  return minioClient(ctx.minio, {
    accessKey: field('aws_access_key_id'),
    secretKey: field('aws_secret_access_key'),
    sessionToken: field('aws_session_token'),
  });
}

const denied = async (what: () => Promise<unknown>) => {
  try {
    await what();
    return 'allowed';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

async function drain(stream: AsyncIterable<unknown>) {
  const items = [];
  for await (const item of stream) items.push(item);
  return items;
}

t.test(
  'invariant 6: workspace credentials read their extract and write their outbox, nothing else; projects cannot see each other',
  async (t) => {
    const ctx = await buildKubeTestApp(t);
    const { app, store, bucket } = ctx;
    const people = await seed(ctx, store);
    const projectA = await approvedProjectWithExtract(app, people.anna);
    const projectB = await approvedProjectWithExtract(app, people.anna);
    const [a, b, a2] = (await Promise.all(
      [projectA, projectB, projectA].map(
        async (p) => (await launch(app, people.anna, p, { template: 'jupyter' })).json().id,
      ),
    )) as [string, string, string];
    for (const id of [a, b, a2])
      t.equal((await waitForStatus(app, people.anna, id, ['running', 'failed'])).status, 'running');
    const client = await workspaceClient(ctx, a);
    await store.put(`projects/${projectA}/releases/r1/table.csv`, Buffer.from('released\n'));

    const manifest = await drain(
      await client.getObject(bucket, `projects/${projectA}/extracts/v1/manifest.json`),
    );
    t.ok(manifest.length > 0, 'reads its own extract');
    const listed = await drain(client.listObjectsV2(bucket, `projects/${projectA}/extracts/`, true));
    t.ok(listed.length >= 3, 'lists its own extract');
    await t.resolves(
      client.putObject(bucket, `projects/${projectA}/workspaces/${a}/outbox/result.csv`, 'n\n5\n'),
      'writes its outbox',
    );
    t.equal(
      (await store.stat(`projects/${projectA}/workspaces/${a}/outbox/result.csv`)).size,
      4,
      'the control plane sees the result',
    );

    const refusals: Record<string, () => Promise<unknown>> = {
      'overwrite its own extract': () =>
        client.putObject(bucket, `projects/${projectA}/extracts/v1/manifest.json`, '{}'),
      'delete its own extract': () =>
        client.removeObject(bucket, `projects/${projectA}/extracts/v1/manifest.json`),
      "read another project's extract": () =>
        client.getObject(bucket, `projects/${projectB}/extracts/v1/manifest.json`),
      "list another project's extract": () =>
        drain(client.listObjectsV2(bucket, `projects/${projectB}/extracts/`, true)),
      "write another project's outbox": () =>
        client.putObject(bucket, `projects/${projectB}/workspaces/${b}/outbox/x.csv`, 'x'),
      "write another workspace's outbox": () =>
        client.putObject(bucket, `projects/${projectA}/workspaces/${a2}/outbox/x.csv`, 'x'),
      'read the release area': () => client.getObject(bucket, `projects/${projectA}/releases/r1/table.csv`),
      'write the release area': () =>
        client.putObject(bucket, `projects/${projectA}/releases/r1/table.csv`, 'forged'),
      'list the bucket': () => drain(client.listObjectsV2(bucket, '', true)),
      'list all projects': () => drain(client.listObjectsV2(bucket, 'projects/', false)),
      'create a bucket': () => client.makeBucket(`${bucket}-x`),
    };
    for (const [what, attempt] of Object.entries(refusals)) {
      const outcome = await denied(attempt);
      t.equal(outcome, 'AccessDenied', `may not ${what}`);
    }
    const other = await workspaceClient(ctx, b);
    t.equal(
      await denied(() => other.getObject(bucket, `projects/${projectA}/workspaces/${a}/outbox/result.csv`)),
      'AccessDenied',
      "B cannot read A's results",
    );
    t.equal(
      await denied(() => other.getObject(bucket, `projects/${projectA}/extracts/v1/bef.parquet`)),
      'AccessDenied',
      "nor A's extract",
    );
  },
);

t.test(
  'stop removes the namespace and all in it; restart brings it back on the same outbox; delete removes the outbox too',
  async (t) => {
    const ctx = await buildKubeTestApp(t);
    const { app, store } = ctx;
    const people = await seed(ctx, store);
    const projectId = await approvedProjectWithExtract(app, people.anna);
    const id = (await launch(app, people.anna, projectId, { template: 'jupyter' })).json().id;
    t.equal((await waitForStatus(app, people.anna, id, ['running', 'failed'])).status, 'running');
    const ns = `klarsyn-ws-${id}`;
    const outbox = `projects/${projectId}/workspaces/${id}/outbox/`;
    await (await workspaceClient(ctx, id)).putObject(ctx.bucket, `${outbox}kept.csv`, 'n\n');

    const stop = await app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${id}/stop`,
      headers: people.anna,
    });
    t.equal(stop.statusCode, 202);
    await waitForStatus(app, people.anna, id, ['stopped']);
    t.ok(
      await isNotFound(adminCore.readNamespace({ name: ns })),
      'the namespace, and everything in it, is gone',
    );

    const restart = await app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${id}/restart`,
      headers: people.anna,
    });
    t.equal(restart.statusCode, 202);
    t.equal((await waitForStatus(app, people.anna, id, ['running', 'failed'])).status, 'running');
    t.ok(await adminCore.readNamespace({ name: ns }), 'a fresh namespace');
    t.equal((await store.stat(`${outbox}kept.csv`)).size, 2, 'the outbox is kept');
    t.equal(
      (await logEvents(ctx.pool, 'workspace.credentials_issued')).length,
      2,
      'fresh credentials, logged',
    );

    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/v1/workspaces/${id}`,
      headers: people.anna,
    });
    t.equal(deleted.statusCode, 202);
    await waitForStatus(app, people.anna, id, ['deleted']);
    t.ok(await isNotFound(adminCore.readNamespace({ name: ns })), 'deleted: no namespace');
    t.same(await drain(store.list(outbox)), [], 'and no outbox');
  },
);

t.test(
  'a batch run is a Job; when its script finishes the workspace stops and its namespace goes',
  async (t) => {
    const ctx = await buildKubeTestApp(t);
    const { app, store } = ctx;
    const people = await seed(ctx, store);
    const projectId = await approvedProjectWithExtract(app, people.anna);
    const script = '#!/usr/bin/env python3\nprint("hello")\n';
    const id = (await launch(app, people.anna, projectId, { template: 'batch', script })).json().id;
    // kwok completes a Job's pod once it has run, as if the script had finished.
    await app.workspaces.reconciler.reconcileAll();
    const done = await waitForStatus(app, people.anna, id, ['stopped', 'failed']);
    t.match(done, { status: 'stopped', reason: 'the batch script finished', desired: 'stopped' });
    t.ok(await isNotFound(adminCore.readNamespace({ name: `klarsyn-ws-${id}` })), 'nothing is left running');
    const changes = (await logEvents(ctx.pool, 'workspace.status_changed')).map((e) => e.details.to);
    t.same(changes, ['provisioning', 'running', 'stopping', 'stopped']);
  },
);
