// Proof that RBAC is enforced: a ServiceAccount bound to a narrow Role, authenticating with a token
// the API server signs (TokenRequest), is refused everything outside that Role.
import { AuthenticationV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import t from 'tap';
import { loadKubeConfig, uniqueName } from '../../support/dev-services.js';
import { createNamespace, deleteNamespace, refusal } from '../../support/kube.js';

const admin = loadKubeConfig();
const core = admin.makeApiClient(CoreV1Api);
const rbac = admin.makeApiClient(RbacAuthorizationV1Api);

/** A kubeconfig for the same cluster that authenticates with a bearer token only. */
function kubeConfigWithToken(token: string): KubeConfig {
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('admin kubeconfig has no current cluster');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'narrow', token }],
    contexts: [{ name: 'narrow', cluster: cluster.name, user: 'narrow' }],
    currentContext: 'narrow',
  });
  return kc;
}

t.test('a user bound to a narrow Role is refused outside it', async (t) => {
  const home = uniqueName('rbac-home');
  const elsewhere = uniqueName('rbac-elsewhere');
  await createNamespace(core, home);
  await createNamespace(core, elsewhere);
  t.teardown(() => Promise.all([deleteNamespace(core, home), deleteNamespace(core, elsewhere)]));

  await core.createNamespacedServiceAccount({ namespace: home, body: { metadata: { name: 'narrow' } } });
  await rbac.createNamespacedRole({
    namespace: home,
    body: {
      metadata: { name: 'read-configmaps' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: home,
    body: {
      metadata: { name: 'narrow-reads-configmaps' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-configmaps' },
      subjects: [{ kind: 'ServiceAccount', name: 'narrow', namespace: home }],
    },
  });
  await core.createNamespacedConfigMap({
    namespace: home,
    body: { metadata: { name: 'visible' }, data: { a: '1' } },
  });

  const tokenRequest = await core.createNamespacedServiceAccountToken({
    namespace: home,
    name: 'narrow',
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const token = tokenRequest.status?.token;
  if (!token) throw new Error('TokenRequest returned no token');
  const narrow = kubeConfigWithToken(token).makeApiClient(CoreV1Api);

  const review = await kubeConfigWithToken(token)
    .makeApiClient(AuthenticationV1Api)
    .createSelfSubjectReview({ body: {} });
  t.equal(
    review.status?.userInfo?.username,
    `system:serviceaccount:${home}:narrow`,
    'the token authenticates as the SA',
  );

  const allowed = await narrow.readNamespacedConfigMap({ namespace: home, name: 'visible' });
  t.equal(allowed.data?.a, '1', 'may read configmaps in its namespace');

  // Thunks, so each request starts only when awaited (an early refusal must not go unhandled).
  const refusals: Record<string, () => Promise<unknown>> = {
    'write a configmap in its namespace': () =>
      narrow.createNamespacedConfigMap({ namespace: home, body: { metadata: { name: 'nope' } } }),
    'read secrets in its namespace': () => narrow.listNamespacedSecret({ namespace: home }),
    'read configmaps in another namespace': () => narrow.listNamespacedConfigMap({ namespace: elsewhere }),
    'list namespaces': () => narrow.listNamespace(),
  };
  for (const [what, request] of Object.entries(refusals)) {
    const refused = await refusal(request());
    t.equal(refused.status, 403, `may not ${what}`);
    t.equal(refused.reason, 'Forbidden');
  }
});
