// A control plane that dies half-way through provisioning leaves a namespace without its policies,
// quota or pod; its successor repairs it from the database, and removes namespaces nobody owns.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KubernetesObjectApi, NetworkingV1Api, PatchStrategy } from '@kubernetes/client-node';
import t from 'tap';
import {
  type KubeSettings,
  managerBinding,
  namespace,
} from '../../../control-plane/src/workspaces/kubernetes/manifests.js';
import type { WorkspaceSpec } from '../../../control-plane/src/workspaces/runtime.js';
import { waitFor } from '../../support/dev-services.js';
import { isNotFound } from '../../support/kube.js';
import { freePort } from '../../support/postgres.js';
import { admin, adminCore, buildKubeTestApp, controlPlaneKubeconfig } from './kube-support.js';
import {
  approvedProjectWithExtract,
  launch,
  logEvents,
  seed,
  successorWorkspaces,
  waitForStatus,
} from './support.js';

t.test(
  'a crash mid-provisioning is repaired by the reconciler of the next control plane; orphans are removed',
  async (t) => {
    // The first control plane loses the API server: its provisioning stops half way, as in a crash.
    const reachable = await controlPlaneKubeconfig(t);
    const unreachable = join(dirname(reachable.path), 'unreachable');
    const port = await freePort();
    writeFileSync(
      unreachable,
      readFileSync(reachable.path, 'utf8').replace(/server: \S+/, `server: https://127.0.0.1:${port}`),
    );
    const ctx = await buildKubeTestApp(t, { 'workspaces.kubernetes.kubeconfig': unreachable });

    const { app, pool, store, config } = ctx;
    const people = await seed(ctx, store);
    const projectId = await approvedProjectWithExtract(app, people.anna);
    const id = (await launch(app, people.anna, projectId, { template: 'jupyter' })).json().id as string;
    await app.workspaces.reconciler.settle();
    t.equal(
      (await waitForStatus(app, people.anna, id, ['provisioning'])).status,
      'provisioning',
      'stuck half way',
    );

    // What the dead process had got done: the namespace and its RoleBinding, nothing else.
    const settings: KubeSettings = {
      ...config.workspaces.kubernetes,
      bucket: ctx.bucket,
      outbox: { url: config.workspaces.outbox.url, port: config.workspaces.outbox.port },
    };
    const spec = { id, projectId, template: { kind: 'interactive' } } as unknown as WorkspaceSpec;
    const objects = KubernetesObjectApi.makeApiClient(admin);
    const apply = (object: Parameters<typeof objects.patch>[0]) =>
      objects.patch(object, undefined, undefined, 'klarsyn', true, PatchStrategy.ServerSideApply);
    await apply(namespace(settings, spec));
    await apply(managerBinding(settings, spec));
    // And a namespace of this installation that no workspace in the database owns.
    const orphan = randomUUID();
    await apply(namespace(settings, { ...spec, id: orphan }));

    // The successor: same database and configuration, and the API server is reachable again.
    await successorWorkspaces(t, {
      ...ctx,
      config: {
        ...config,
        workspaces: {
          ...config.workspaces,
          kubernetes: { ...config.workspaces.kubernetes, kubeconfig: reachable.path },
          // The dead process's test app still holds its port; a real successor runs elsewhere.
          outbox: { ...config.workspaces.outbox, port: await freePort() },
        },
      },
    });

    t.equal((await waitForStatus(app, people.anna, id, ['running', 'failed'])).status, 'running', 'repaired');
    const ns = `klarsyn-ws-${id}`;
    const pod = await adminCore.readNamespacedPod({ namespace: ns, name: 'workspace' });
    t.equal(pod.status?.phase, 'Running');
    const policies = await admin
      .makeApiClient(NetworkingV1Api)
      .listNamespacedNetworkPolicy({ namespace: ns });
    t.same(policies.items.map((p) => p.metadata?.name).sort(), [
      'allow-object-store',
      'allow-outbox-service',
      'allow-proxy',
      'default-deny',
    ]);
    t.ok(await adminCore.readNamespacedResourceQuota({ namespace: ns, name: 'workspace' }), 'quota in place');
    await waitFor('the orphaned namespace to be deleted', async () =>
      (await isNotFound(adminCore.readNamespace({ name: `klarsyn-ws-${orphan}` }))) ? true : undefined,
    );
    t.pass('no orphaned namespace is left');
    const changes = (await logEvents(pool, 'workspace.status_changed')).map(
      (e) => `${e.details.from}→${e.details.to}`,
    );
    t.same(
      changes,
      ['requested→provisioning', 'provisioning→running'],
      'one provisioning, finished by the successor',
    );
  },
);
