import {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { KlarsynError } from '../../errors.js';
import { workspaceGrant } from '../../storage/layout.js';
import type { ScopedCredentialIssuer } from '../../storage/scoped-credentials.js';
import type { Observation, WorkspaceRuntime, WorkspaceSpec } from '../runtime.js';
import type { WorkspaceTemplate } from '../templates.js';
import {
  APP_LABEL,
  APP_PORT,
  appTokenSecret,
  identitySecret,
  installationLabels,
  job,
  KIND_LABEL,
  type KubeSettings,
  limitRange,
  managerBinding,
  namespace,
  namespaceName,
  networkPolicies,
  pod,
  resourceQuota,
  scriptConfigMap,
  serviceAccount,
  storageSecret,
  WORKSPACE_LABEL,
} from './manifests.js';
import { jobObservation, podObservation } from './observe.js';

export interface KubernetesRuntimeOptions {
  kubeConfig: KubeConfig;
  settings: KubeSettings;
  credentials: ScopedCredentialIssuer;
  credentialTtlSeconds: number;
  images: Record<string, string>;
}

/** Server-side apply: the same objects applied twice change nothing, and our fields are ours. */
const FIELD_MANAGER = 'klarsyn';
/** How long admission may lag behind what we just created (quota status, ServiceAccount, RBAC). */
const ADMISSION_SETTLE_MS = 30_000;
const NAMESPACE_GONE_MS = 90_000;

/**
 * The production runtime: one namespace per workspace with its policies, quota, identity,
 * credentials and one pod (or Job for batch). Stopping deletes the namespace; Kubernetes removes
 * the rest. Nothing here is remembered between calls: the cluster is the state.
 */
export class KubernetesRuntime implements WorkspaceRuntime {
  readonly kind = 'kubernetes';
  private readonly objects: KubernetesObjectApi;
  private readonly core: CoreV1Api;
  private readonly batch: BatchV1Api;

  constructor(private readonly options: KubernetesRuntimeOptions) {
    this.objects = KubernetesObjectApi.makeApiClient(options.kubeConfig);
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.batch = options.kubeConfig.makeApiClient(BatchV1Api);
  }

  async checkTemplate(template: WorkspaceTemplate): Promise<void> {
    if (!this.options.images[template.image]) {
      throw new KlarsynError('conflict', `no image is configured for ${template.image} (workspaces.images)`);
    }
  }

  async apply(spec: WorkspaceSpec): Promise<{ credentialsExpireAt: Date }> {
    const { settings } = this.options;
    await this.checkTemplate(spec.template);
    const image = this.options.images[spec.template.image] as string;
    // Namespace and credentials first (in parallel); the binding gives us our rights inside.
    const [, credentials] = await Promise.all([this.apply1(namespace(settings, spec)), this.issue(spec)]);
    await this.apply1(managerBinding(settings, spec));
    await Promise.all(
      [
        ...networkPolicies(settings, spec),
        resourceQuota(settings, spec),
        limitRange(settings, spec),
        serviceAccount(settings, spec),
        storageSecret(settings, spec, credentials),
        appTokenSecret(settings, spec),
        identitySecret(settings, spec),
        ...(spec.script !== null ? [scriptConfigMap(settings, spec)] : []),
      ].map((object) => this.settled(() => this.apply1(object))),
    );
    const workload = spec.template.kind === 'batch' ? job(settings, spec, image) : pod(settings, spec, image);
    await this.settled(() => this.apply1(workload));
    return { credentialsExpireAt: credentials.expiresAt };
  }

  async renewCredentials(spec: WorkspaceSpec): Promise<Date> {
    const credentials = await this.issue(spec);
    await Promise.all([
      this.apply1(storageSecret(this.options.settings, spec, credentials)),
      this.apply1(identitySecret(this.options.settings, spec)),
    ]);
    return credentials.expiresAt;
  }

  async observe(workspaceId: string): Promise<Observation> {
    const ns = namespaceName(this.options.settings, workspaceId);
    const found = await this.read(() => this.core.readNamespace({ name: ns }));
    if (!found) return { phase: 'absent' };
    if (found.status?.phase === 'Terminating')
      return { phase: 'pending', reason: 'its namespace is being deleted' };
    if (found.metadata?.labels?.[WORKSPACE_LABEL] !== workspaceId) return { phase: 'absent' };
    if (found.metadata?.labels?.[KIND_LABEL] === 'batch') {
      const batch = await this.read(() => this.batch.readNamespacedJob({ namespace: ns, name: 'batch' }));
      if (!batch) return { phase: 'absent' };
      const fromJob = jobObservation(batch);
      if (fromJob) return fromJob;
      // The Job's status lags its pod by a moment; the pod itself says whether the script runs.
      const pods = await this.core.listNamespacedPod({ namespace: ns, labelSelector: selector(APP_LABEL) });
      const first = pods.items[0];
      return first ? podObservation(first) : { phase: 'pending' };
    }
    const app = await this.read(() => this.core.readNamespacedPod({ namespace: ns, name: 'workspace' }));
    return app ? podObservation(app) : { phase: 'absent' };
  }

  /** Watches the workspace's pod (one request) until it runs or ends, or the time is up. */
  async awaitStarted(workspaceId: string, timeoutMs: number): Promise<Observation> {
    const ns = namespaceName(this.options.settings, workspaceId);
    let last: Observation = { phase: 'pending' };
    await new Promise<void>((resolve) => {
      let watch: AbortController | undefined;
      const finish = () => {
        clearTimeout(timer);
        watch?.abort();
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      new Watch(this.options.kubeConfig)
        .watch(
          `/api/v1/namespaces/${ns}/pods`,
          { labelSelector: selector(APP_LABEL) },
          (_type, object: V1Pod) => {
            last = podObservation(object);
            if (last.phase !== 'pending') finish();
          },
          () => finish(),
        )
        .then(
          (controller) => {
            watch = controller;
          },
          () => finish(),
        );
    });
    // A batch run's outcome is the Job's (deadline, failure), not only its pod's.
    return last.phase === 'pending' ? last : this.observe(workspaceId);
  }

  async remove(workspaceId: string): Promise<void> {
    const name = namespaceName(this.options.settings, workspaceId);
    try {
      await this.core.deleteNamespace({ name });
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw kubeError(error, `deleting ${name}`);
      return;
    }
    const deadline = Date.now() + NAMESPACE_GONE_MS;
    while (Date.now() < deadline) {
      if (!(await this.read(() => this.core.readNamespace({ name })))) return;
      await sleep(250);
    }
  }

  async held(): Promise<string[]> {
    const list = await this.core
      .listNamespace({
        labelSelector: `${selector(installationLabels(this.options.settings))},${WORKSPACE_LABEL}`,
      })
      .catch((error) => {
        throw kubeError(error, 'listing workspace namespaces');
      });
    return list.items
      .filter((ns) => ns.status?.phase !== 'Terminating')
      .map((ns) => ns.metadata?.labels?.[WORKSPACE_LABEL] as string);
  }

  async endpoint(workspaceId: string): Promise<{ host: string; port: number } | undefined> {
    const ns = namespaceName(this.options.settings, workspaceId);
    const app = await this.read(() => this.core.readNamespacedPod({ namespace: ns, name: 'workspace' }));
    const ip = app?.status?.podIP;
    if (!ip || app?.status?.phase !== 'Running') return undefined;
    const container = app.spec?.containers[0]?.ports?.[0]?.containerPort;
    return { host: ip, port: container ?? APP_PORT.jupyterlab };
  }

  async close(): Promise<void> {}

  private async issue(spec: WorkspaceSpec) {
    // Never past the project's deletion date: credentials of an ended project must not work.
    const untilDeadline = Math.floor((spec.notAfter.getTime() - Date.now()) / 1000);
    const seconds = Math.max(900, Math.min(this.options.credentialTtlSeconds, untilDeadline));
    return this.options.credentials.issue(workspaceGrant(spec.projectId, spec.id), seconds);
  }

  private async apply1(object: KubernetesObject): Promise<void> {
    try {
      await this.objects.patch(
        object,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      throw kubeError(error, `applying ${object.kind} ${object.metadata?.name}`);
    }
  }

  /**
   * Retries while admission has not caught up with objects we just created: quota status not yet
   * computed, the ServiceAccount not yet in the cache, our RoleBinding not yet in force. Any other
   * refusal (e.g. Pod Security) is final.
   */
  private async settled(applyIt: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + ADMISSION_SETTLE_MS;
    for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
      try {
        return await applyIt();
      } catch (error) {
        const transient =
          error instanceof KlarsynError &&
          /status unknown for quota|serviceaccount "?[a-z0-9-]+"? not found|is forbidden: User "/.test(
            error.message,
          );
        if (!transient || Date.now() > deadline) throw error;
        await sleep(wait);
      }
    }
  }

  private async read<T>(request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw kubeError(error, 'reading workspace state');
    }
  }
}

function selector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The API server's refusals become `conflict` with its message (the workspace fails with that
 * reason); anything else is `unavailable`, retried by the next reconciliation pass.
 */
export function kubeError(error: unknown, what: string): KlarsynError {
  if (error instanceof KlarsynError) return error;
  if (error instanceof ApiException && error.code >= 400 && error.code < 500) {
    const body = typeof error.body === 'string' ? safeJson(error.body) : error.body;
    const message = String(body?.message ?? error.message);
    return new KlarsynError('conflict', `the cluster refused ${what}: ${message}`, { cause: error });
  }
  return new KlarsynError('unavailable', `the cluster could not be reached while ${what}`, { cause: error });
}

function safeJson(text: string): { message?: unknown } | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
