// Proof that the API server the tests use is real and enforces what Klarsyn relies on: Pod
// Security admission on labelled namespaces and ResourceQuota (whose status the real
// kube-controller-manager fills in).
import { CoreV1Api, VersionApi } from '@kubernetes/client-node';
import t from 'tap';
import { loadKubeConfig, uniqueName, waitFor } from '../../support/dev-services.js';
import { createNamespace, deleteNamespace, refusal, simplePod } from '../../support/kube.js';

const kc = loadKubeConfig();
const core = kc.makeApiClient(CoreV1Api);

t.test('the API server is Kubernetes 1.36', async (t) => {
  const version = await kc.makeApiClient(VersionApi).getCode();
  t.equal(version.major, '1');
  t.equal(version.minor, '36');
  t.match(version.gitVersion, /^v1\.36\.\d+/);
});

t.test('PodSecurity admission refuses a privileged pod in a restricted namespace', async (t) => {
  const restricted = uniqueName('psa-restricted');
  const open = uniqueName('psa-unlabelled');
  await createNamespace(core, restricted, { 'pod-security.kubernetes.io/enforce': 'restricted' });
  await createNamespace(core, open);
  t.teardown(() => Promise.all([deleteNamespace(core, restricted), deleteNamespace(core, open)]));

  const refused = await refusal(
    core.createNamespacedPod({ namespace: restricted, body: simplePod('privileged', { privileged: true }) }),
  );
  t.equal(refused.status, 403);
  t.match(refused.message, /violates PodSecurity "restricted/);
  t.match(refused.message, /privileged/);

  // The same pod is accepted where no Pod Security level is enforced, so the refusal above is
  // PodSecurity's doing and not a blanket ban on privileged pods.
  const accepted = await core.createNamespacedPod({
    namespace: open,
    body: simplePod('privileged', { privileged: true }),
    dryRun: 'All',
  });
  t.equal(accepted.metadata?.name, 'privileged');
});

t.test('ResourceQuota admission refuses a pod beyond the quota', async (t) => {
  const namespace = uniqueName('quota');
  await createNamespace(core, namespace);
  t.teardown(() => deleteNamespace(core, namespace));

  await core.createNamespacedResourceQuota({
    namespace,
    body: { metadata: { name: 'pods' }, spec: { hard: { pods: '1', 'requests.cpu': '100m' } } },
  });
  // Until the controller manager has computed the quota's usage, admission refuses every pod.
  await waitFor('quota status from kube-controller-manager', async () => {
    const quota = await core.readNamespacedResourceQuota({ namespace, name: 'pods' });
    return quota.status?.hard?.pods === '1' ? quota : undefined;
  });

  await core.createNamespacedPod({ namespace, body: simplePod('first') });
  const refused = await refusal(core.createNamespacedPod({ namespace, body: simplePod('second') }));
  t.equal(refused.status, 403);
  t.match(refused.message, /exceeded quota: pods/);

  await waitFor('quota usage to count the first pod', async () => {
    const quota = await core.readNamespacedResourceQuota({ namespace, name: 'pods' });
    return quota.status?.used?.pods === '1' ? quota : undefined;
  });
});
