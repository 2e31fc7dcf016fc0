// The Kubernetes driver on the real kube-apiserver, kube-controller-manager and kwok, with data in
// the real MinIO, driven by a control plane holding exactly the rights in infra/deploy/rbac
// (DESIGN.md invariant 6).
import { NetworkingV1Api } from '@kubernetes/client-node';
import t from 'tap';
import { waitFor } from '../../support/dev-services.js';
import { isNotFound } from '../../support/kube.js';
import { admin, adminCore, buildKubeTestApp } from './kube-support.js';
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
    t.equal(policies.length, 3, 'and no other opening');

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
