// Proof that the real controllers run: a pod bound to a kwok fake node becomes Running and goes
// away when deleted, and deleting a namespace with contents completes (namespace controller,
// garbage collection).
import { CoreV1Api } from '@kubernetes/client-node';
import t from 'tap';
import { loadKubeConfig, uniqueName, waitFor } from '../../support/dev-services.js';
import {
  createNamespace,
  deleteNamespace,
  isNotFound,
  readyKwokNode,
  simplePod,
} from '../../support/kube.js';

const core = loadKubeConfig().makeApiClient(CoreV1Api);

t.test('a pod bound to a kwok node becomes Running and can be deleted', async (t) => {
  const namespace = uniqueName('kwok-pod');
  await createNamespace(core, namespace);
  t.teardown(() => deleteNamespace(core, namespace));
  const nodeName = await readyKwokNode(core);

  await core.createNamespacedPod({ namespace, body: simplePod('runner', { nodeName }) });
  const running = await waitFor('pod to become Running on the kwok node', async () => {
    const pod = await core.readNamespacedPod({ namespace, name: 'runner' });
    return pod.status?.phase === 'Running' ? pod : undefined;
  });
  t.equal(running.spec?.nodeName, nodeName);
  t.ok(
    running.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    'pod is Ready',
  );

  await core.deleteNamespacedPod({ namespace, name: 'runner' });
  await waitFor('deleted pod to disappear', async () =>
    (await isNotFound(core.readNamespacedPod({ namespace, name: 'runner' }))) ? true : undefined,
  );
  t.pass('the pod is gone after deletion');
});

t.test('deleting a namespace with a running pod and a configmap completes', async (t) => {
  const namespace = uniqueName('ns-delete');
  await createNamespace(core, namespace);
  t.teardown(() => deleteNamespace(core, namespace));
  const nodeName = await readyKwokNode(core);
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'data' }, data: { k: 'v' } } });
  await core.createNamespacedPod({ namespace, body: simplePod('runner', { nodeName }) });
  await waitFor('pod to become Running', async () => {
    const pod = await core.readNamespacedPod({ namespace, name: 'runner' });
    return pod.status?.phase === 'Running' ? pod : undefined;
  });

  await core.deleteNamespace({ name: namespace });
  const terminating = await core.readNamespace({ name: namespace });
  t.equal(terminating.status?.phase, 'Terminating', 'namespace is Terminating first');
  await deleteNamespace(core, namespace);
  t.ok(await isNotFound(core.readNamespace({ name: namespace })), 'namespace is gone');
});
