// Least privilege, proved: the control plane's identity (infra/deploy/rbac, the same one every
// workspace test on Kubernetes runs with) manages workspace namespaces and is refused the rest.
import { randomUUID } from 'node:crypto';
import {
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import t from 'tap';
import { uniqueName, waitFor } from '../../support/dev-services.js';
import { createNamespace, deleteNamespace, refusal } from '../../support/kube.js';
import { admin, adminCore, CONTROL_PLANE, controlPlaneKubeconfig } from './kube-support.js';

t.test('invariant 6: the control plane may manage workspace namespaces and nothing else', async (t) => {
  const { kubeConfig } = await controlPlaneKubeconfig(t);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  const subjects = [{ kind: 'ServiceAccount', ...CONTROL_PLANE }];
  const bindingTo = (name: string, kind: 'ClusterRole' = 'ClusterRole') => ({
    metadata: { name: `bind-${name}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name },
    subjects,
  });

  // Someone else's namespace, and a workspace namespace set up as the control plane sets it up.
  const victim = uniqueName('victim');
  await createNamespace(adminCore, victim);
  const workspace = `klarsyn-ws-${randomUUID()}`;
  await createNamespace(adminCore, workspace);
  t.teardown(() => Promise.all([deleteNamespace(adminCore, victim), deleteNamespace(adminCore, workspace)]));
  const managerBinding = bindingTo('klarsyn-workspace-manager');
  await KubernetesObjectApi.makeApiClient(admin).patch(
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      ...managerBinding,
      metadata: { ...managerBinding.metadata, namespace: workspace },
    },
    undefined,
    undefined,
    'klarsyn-tests',
    true,
    PatchStrategy.ServerSideApply,
  );

  // The scope policy takes effect once the API server has loaded it.
  await waitFor('the namespace-scope policy to be in force', async () => {
    const probe = await refusal(
      core.createNamespace({ body: { metadata: { name: uniqueName('probe') } }, dryRun: 'All' }),
    ).catch(() => undefined);
    return probe?.status === 403 ? true : undefined;
  });

  const allowed = await core.createNamespace({
    body: { metadata: { name: `klarsyn-ws-${randomUUID()}` } },
    dryRun: 'All',
  });
  t.ok(allowed.metadata?.name, 'may create a workspace namespace');

  const refusals: Record<string, () => Promise<unknown>> = {
    'read secrets in kube-system': () => core.listNamespacedSecret({ namespace: 'kube-system' }),
    'read pods in kube-system': () => core.listNamespacedPod({ namespace: 'kube-system' }),
    'read nodes': () => core.listNode(),
    'list cluster roles': () => rbac.listClusterRole(),
    'create a namespace outside klarsyn-ws-*': () =>
      core.createNamespace({ body: { metadata: { name: uniqueName('not-a-workspace') } } }),
    'delete a namespace outside klarsyn-ws-*': () => core.deleteNamespace({ name: victim }),
    'bind its workspace role in another namespace': () =>
      rbac.createNamespacedRoleBinding({ namespace: victim, body: bindingTo('klarsyn-workspace-manager') }),
    'bind cluster-admin in a workspace namespace': () =>
      rbac.createNamespacedRoleBinding({ namespace: workspace, body: bindingTo('cluster-admin') }),
    'grant itself rights cluster-wide': () =>
      rbac.createClusterRoleBinding({ body: bindingTo('klarsyn-workspace-manager') }),
    'read secrets in a workspace namespace': () => core.listNamespacedSecret({ namespace: workspace }),
    'read a pod log in a workspace namespace': () =>
      core.readNamespacedPodLog({ namespace: workspace, name: 'workspace' }),
    'delete a pod in a workspace namespace': () =>
      core.deleteNamespacedPod({ namespace: workspace, name: 'workspace' }),
  };
  for (const [what, attempt] of Object.entries(refusals)) {
    const refused = await refusal(attempt());
    t.equal(refused.status, 403, `may not ${what}`);
  }
  const policyRefusal = await refusal(core.deleteNamespace({ name: victim }));
  t.match(policyRefusal.message, /writes only in workspace namespaces/, 'the scope policy says why');
  t.ok(await adminCore.readNamespace({ name: victim }), "someone else's namespace is untouched");
});
