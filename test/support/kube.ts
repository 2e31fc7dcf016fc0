// Small helpers for tests against the real kube-apiserver (connection from dev-services.ts).
import { ApiException, type CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { waitFor } from './dev-services.js';

export interface ApiRefusal {
  status: number;
  reason: string;
  message: string;
}

/** The HTTP status and Status object of a refused request; rethrows anything else. */
export async function refusal(request: Promise<unknown>): Promise<ApiRefusal> {
  try {
    await request;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body = typeof error.body === 'string' ? safeJson(error.body) : error.body;
    return {
      status: error.code,
      reason: String(body?.reason ?? ''),
      message: String(body?.message ?? error.message),
    };
  }
  throw new Error('expected the API server to refuse the request, but it was accepted');
}

function safeJson(text: string): { reason?: unknown; message?: unknown } | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function isNotFound(request: Promise<unknown>): Promise<boolean> {
  try {
    await request;
    return false;
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return true;
    throw error;
  }
}

/**
 * Creates a namespace and waits for its default ServiceAccount: until kube-controller-manager has
 * made it, ServiceAccount admission refuses every pod in the namespace.
 */
export async function createNamespace(core: CoreV1Api, name: string, labels: Record<string, string> = {}) {
  await core.createNamespace({ body: { metadata: { name, labels } } });
  await waitFor(`default ServiceAccount in ${name}`, () =>
    core.readNamespacedServiceAccount({ namespace: name, name: 'default' }),
  );
}

/** Deletes a namespace and waits until it is gone (finalizers done, contents removed). */
export async function deleteNamespace(core: CoreV1Api, name: string, timeoutMs = 120_000) {
  if (await isNotFound(core.deleteNamespace({ name }))) return;
  await waitFor(
    `namespace ${name} to be deleted`,
    async () => ((await isNotFound(core.readNamespace({ name }))) ? true : undefined),
    { timeoutMs, intervalMs: 500 },
  );
}

/** A minimal pod; `nodeName` binds it directly (there is no scheduler), e.g. to a kwok node. */
export function simplePod(name: string, overrides: { nodeName?: string; privileged?: boolean } = {}): V1Pod {
  return {
    metadata: { name },
    spec: {
      ...(overrides.nodeName ? { nodeName: overrides.nodeName } : {}),
      containers: [
        {
          name: 'main',
          image: 'registry.invalid/klarsyn/placeholder:1',
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } },
          ...(overrides.privileged ? { securityContext: { privileged: true } } : {}),
        },
      ],
    },
  };
}

/** Fake nodes that up.sh creates and kwok keeps Ready (annotation kwok.x-k8s.io/node=fake). */
export async function readyKwokNode(core: CoreV1Api): Promise<string> {
  const nodes = await core.listNode({ labelSelector: 'type=kwok' });
  const ready = nodes.items.find((node) =>
    node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  if (!ready?.metadata?.name)
    throw new Error('no Ready kwok node (label type=kwok); did infra/dev/up.sh run?');
  return ready.metadata.name;
}
