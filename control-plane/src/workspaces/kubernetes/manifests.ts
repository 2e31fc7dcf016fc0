// Typed with the client's models on purpose: it serialises by model, so a field the model names
// differently (`_from`, `_default`) would otherwise be dropped without a word.
import type {
  V1ConfigMap,
  V1Container,
  V1Job,
  V1LimitRange,
  V1Namespace,
  V1NetworkPolicy,
  V1Pod,
  V1PodSpec,
  V1ResourceQuota,
  V1RoleBinding,
  V1Secret,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import type { WorkspacesConfig } from '../../config/schema.js';
import { extractVersionPrefix, outboxPrefix } from '../../storage/layout.js';
import type { ScopedCredentials } from '../../storage/scoped-credentials.js';
import type { WorkspaceSpec } from '../runtime.js';
import type { WorkspaceApp } from '../templates.js';

/** The driver's configuration, plus the bucket its workspaces' data live in and the outbox service. */
export type KubeSettings = WorkspacesConfig['kubernetes'] & {
  bucket: string;
  outbox: { url: string; port: number };
};

/** Labels that mark what the control plane owns, so a restart finds (and removes) orphans. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'klarsyn' } as const;
export const WORKSPACE_LABEL = 'klarsyn.dk/workspace';
/** On the namespace: whether its workload is a Pod (interactive) or a Job (batch). */
export const KIND_LABEL = 'klarsyn.dk/kind';
export const APP_LABEL = { 'klarsyn.dk/role': 'app' } as const;
export const STORAGE_SECRET = 'storage-credentials';
export const APP_TOKEN_SECRET = 'app-token';
export const IDENTITY_SECRET = 'workspace-identity';

/** Where the app listens inside the pod; only the control plane's proxy may connect (NetworkPolicy). */
export const APP_PORT: Record<WorkspaceApp, number> = { jupyterlab: 8888, rstudio: 8787, script: 8888 };

/** The uid of the analysis image's user (workspace-images/analysis/Dockerfile). */
const ANALYST_UID = 1000;
const STORAGE_MOUNT = '/var/run/klarsyn/storage';
const IDENTITY_MOUNT = '/var/run/klarsyn/identity';

export function namespaceName(settings: KubeSettings, workspaceId: string): string {
  return `${settings.namespacePrefix}${workspaceId}`;
}

/**
 * Which control plane owns an object: two installations on one cluster (staging and production,
 * or parallel test runs) never take each other's workspaces for orphans.
 */
export function installationLabels(settings: KubeSettings): Record<string, string> {
  return { ...MANAGED_BY, 'klarsyn.dk/installation': settings.installation };
}

function meta(settings: KubeSettings, name: string, spec: WorkspaceSpec, namespace?: string) {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: {
      ...installationLabels(settings),
      [WORKSPACE_LABEL]: spec.id,
      'klarsyn.dk/project': spec.projectId,
    },
  };
}

/** Pod Security `restricted`, enforced and pinned to a version so a cluster upgrade cannot loosen it. */
export function namespace(settings: KubeSettings, spec: WorkspaceSpec): V1Namespace {
  const version = settings.podSecurityVersion;
  const m = meta(settings, namespaceName(settings, spec.id), spec);
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      ...m,
      labels: {
        ...m.labels,
        [KIND_LABEL]: spec.template.kind,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': version,
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': version,
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/audit-version': version,
      },
    },
  };
}

/** The control plane's rights inside this namespace (infra/deploy/rbac: klarsyn-workspace-manager). */
export function managerBinding(settings: KubeSettings, spec: WorkspaceSpec): V1RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(settings, 'klarsyn-control-plane', spec, namespaceName(settings, spec.id)),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: settings.managerRole },
    subjects: [{ kind: 'ServiceAccount', ...settings.serviceAccount }],
  };
}

/**
 * Default deny in both directions, then exactly three openings: the proxy may reach the app's port,
 * the pod may reach the control plane's outbox service (mutual TLS), and the object store (its
 * extract and outbox; the credentials limit the rest).
 */
export function networkPolicies(settings: KubeSettings, spec: WorkspaceSpec): V1NetworkPolicy[] {
  const ns = namespaceName(settings, spec.id);
  const policy = (name: string, body: V1NetworkPolicy['spec']): V1NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(settings, name, spec, ns),
    spec: body,
  });
  const policies = [
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('allow-proxy', {
      podSelector: { matchLabels: APP_LABEL },
      policyTypes: ['Ingress'],
      ingress: [
        {
          _from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': settings.proxy.namespace } },
              podSelector: { matchLabels: settings.proxy.podLabels },
            },
          ],
          ports: [{ protocol: 'TCP', port: APP_PORT[spec.template.app] }],
        },
      ],
    }),
  ];
  policies.push(
    policy('allow-outbox-service', {
      podSelector: { matchLabels: APP_LABEL },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': settings.proxy.namespace } },
              podSelector: { matchLabels: settings.proxy.podLabels },
            },
          ],
          ports: [{ protocol: 'TCP', port: settings.outbox.port }],
        },
      ],
    }),
  );
  if (settings.objectStoreCidr) {
    policies.push(
      policy('allow-object-store', {
        podSelector: { matchLabels: APP_LABEL },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ipBlock: { cidr: settings.objectStoreCidr } }],
            ports: [{ protocol: 'TCP', port: settings.objectStorePort }],
          },
        ],
      }),
    );
  }
  return policies;
}

/** The template's resources are the namespace's whole budget: one pod, no services, no volumes claimed. */
export function resourceQuota(settings: KubeSettings, spec: WorkspaceSpec): V1ResourceQuota {
  const { cpu, memory, scratch } = spec.template.resources;
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: meta(settings, 'workspace', spec, namespaceName(settings, spec.id)),
    spec: {
      hard: {
        pods: '1',
        'requests.cpu': cpu,
        'limits.cpu': cpu,
        'requests.memory': memory,
        'limits.memory': memory,
        'requests.ephemeral-storage': scratch,
        'limits.ephemeral-storage': scratch,
        services: '0',
        'services.loadbalancers': '0',
        'services.nodeports': '0',
        persistentvolumeclaims: '0',
      },
    },
  };
}

export function limitRange(settings: KubeSettings, spec: WorkspaceSpec): V1LimitRange {
  const { cpu, memory, scratch } = spec.template.resources;
  const all = { cpu, memory, 'ephemeral-storage': scratch };
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: meta(settings, 'workspace', spec, namespaceName(settings, spec.id)),
    spec: { limits: [{ type: 'Container', _default: all, defaultRequest: all, max: all }] },
  };
}

/** The pod's identity: no API token is ever mounted, so the pod cannot talk to the API server. */
export function serviceAccount(settings: KubeSettings, spec: WorkspaceSpec): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(settings, 'workspace', spec, namespaceName(settings, spec.id)),
    automountServiceAccountToken: false,
  };
}

/**
 * STS credentials as an AWS shared-credentials file: mounted as a volume, so a renewal reaches the
 * running pod without a restart (environment variables would not change).
 */
export function storageSecret(
  settings: KubeSettings,
  spec: WorkspaceSpec,
  credentials: ScopedCredentials,
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      ...meta(settings, STORAGE_SECRET, spec, namespaceName(settings, spec.id)),
      annotations: { 'klarsyn.dk/expires-at': credentials.expiresAt.toISOString() },
    },
    type: 'Opaque',
    stringData: {
      credentials: [
        '[default]',
        `aws_access_key_id = ${credentials.accessKey}`,
        `aws_secret_access_key = ${credentials.secretKey}`,
        `aws_session_token = ${credentials.sessionToken}`,
        '',
      ].join('\n'),
      config: [
        '[default]',
        `region = ${credentials.region}`,
        `endpoint_url = ${credentials.endpoint}`,
        '',
      ].join('\n'),
    },
  };
}

export function appTokenSecret(settings: KubeSettings, spec: WorkspaceSpec): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(settings, APP_TOKEN_SECRET, spec, namespaceName(settings, spec.id)),
    type: 'Opaque',
    stringData: { token: spec.appToken },
  };
}

/** The client certificate klarsyn-outbox presents; replaced in place at renewal. */
export function identitySecret(settings: KubeSettings, spec: WorkspaceSpec): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      ...meta(settings, IDENTITY_SECRET, spec, namespaceName(settings, spec.id)),
      annotations: { 'klarsyn.dk/expires-at': spec.identity.expiresAt.toISOString() },
    },
    type: 'Opaque',
    stringData: {
      'tls.crt': spec.identity.certificatePem,
      'tls.key': spec.identity.privateKeyPem,
      'ca.crt': spec.identity.caPem,
    },
  };
}

export function scriptConfigMap(settings: KubeSettings, spec: WorkspaceSpec): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(settings, 'batch-script', spec, namespaceName(settings, spec.id)),
    data: { script: spec.script ?? '' },
  };
}

function command(spec: WorkspaceSpec): string[] {
  const port = String(APP_PORT[spec.template.app]);
  switch (spec.template.app) {
    case 'jupyterlab':
      return [
        'jupyter',
        'lab',
        '--no-browser',
        '--ip=0.0.0.0',
        `--port=${port}`,
        `--ServerApp.base_url=${spec.basePath}`,
      ];
    case 'rstudio':
      return [
        'rserver',
        '--server-daemonize=0',
        '--www-address=0.0.0.0',
        `--www-port=${port}`,
        `--www-root-path=${spec.basePath}`,
        '--auth-none=1',
        '--server-user=analyst',
        '--server-data-dir=/tmp/rstudio-server',
      ];
    case 'script':
      return ['/klarsyn/script'];
  }
}

/**
 * The workspace's container: everything Pod Security `restricted` demands (non-root, no privilege
 * escalation, all capabilities dropped, RuntimeDefault seccomp) plus a read-only root filesystem;
 * scratch space is an emptyDir bounded by the template.
 */
export function appContainer(settings: KubeSettings, spec: WorkspaceSpec, image: string): V1Container {
  const { cpu, memory, scratch } = spec.template.resources;
  const resources = { cpu, memory, 'ephemeral-storage': scratch };
  const bucketUrl = (prefix: string) => `s3://${settings.bucket}/${prefix}`;
  return {
    name: 'app',
    image,
    command: command(spec),
    ...(spec.template.kind === 'interactive'
      ? { ports: [{ name: 'app', containerPort: APP_PORT[spec.template.app] }] }
      : {}),
    env: [
      { name: 'HOME', value: '/home/analyst' },
      { name: 'KLARSYN_WORKSPACE_ID', value: spec.id },
      { name: 'KLARSYN_PROJECT_ID', value: spec.projectId },
      {
        name: 'KLARSYN_EXTRACT',
        value: bucketUrl(extractVersionPrefix(spec.projectId, spec.extractVersion)),
      },
      { name: 'KLARSYN_EXTRACT_VERSION', value: String(spec.extractVersion) },
      { name: 'KLARSYN_OUTBOX', value: bucketUrl(outboxPrefix(spec.projectId, spec.id)) },
      { name: 'AWS_SHARED_CREDENTIALS_FILE', value: `${STORAGE_MOUNT}/credentials` },
      { name: 'AWS_CONFIG_FILE', value: `${STORAGE_MOUNT}/config` },
      { name: 'KLARSYN_OUTBOX_URL', value: settings.outbox.url },
      { name: 'KLARSYN_CLIENT_CERT', value: `${IDENTITY_MOUNT}/tls.crt` },
      { name: 'KLARSYN_CLIENT_KEY', value: `${IDENTITY_MOUNT}/tls.key` },
      { name: 'KLARSYN_CA', value: `${IDENTITY_MOUNT}/ca.crt` },
      ...(spec.template.app === 'jupyterlab'
        ? [{ name: 'JUPYTER_TOKEN', valueFrom: { secretKeyRef: { name: APP_TOKEN_SECRET, key: 'token' } } }]
        : []),
    ],
    resources: { requests: resources, limits: resources },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: ANALYST_UID,
      runAsGroup: ANALYST_UID,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'home', mountPath: '/home/analyst' },
      { name: 'storage', mountPath: STORAGE_MOUNT, readOnly: true },
      { name: 'identity', mountPath: IDENTITY_MOUNT, readOnly: true },
      ...(spec.script !== null ? [{ name: 'script', mountPath: '/klarsyn', readOnly: true }] : []),
    ],
  };
}

export function podSpec(settings: KubeSettings, spec: WorkspaceSpec, image: string): V1PodSpec {
  const scratch = spec.template.resources.scratch;
  return {
    ...(settings.nodeName ? { nodeName: settings.nodeName } : {}),
    ...(settings.runtimeClassName ? { runtimeClassName: settings.runtimeClassName } : {}),
    serviceAccountName: 'workspace',
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    restartPolicy: spec.template.kind === 'batch' ? 'Never' : 'Always',
    securityContext: {
      runAsNonRoot: true,
      runAsUser: ANALYST_UID,
      runAsGroup: ANALYST_UID,
      fsGroup: ANALYST_UID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [appContainer(settings, spec, image)],
    volumes: [
      { name: 'tmp', emptyDir: { sizeLimit: scratch } },
      { name: 'home', emptyDir: { sizeLimit: scratch } },
      { name: 'storage', secret: { secretName: STORAGE_SECRET, defaultMode: 0o440 } },
      { name: 'identity', secret: { secretName: IDENTITY_SECRET, defaultMode: 0o440 } },
      ...(spec.script !== null
        ? [{ name: 'script', configMap: { name: 'batch-script', defaultMode: 0o555 } }]
        : []),
    ],
  };
}

export function pod(settings: KubeSettings, spec: WorkspaceSpec, image: string): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta(settings, 'workspace', spec, namespaceName(settings, spec.id)),
      labels: { ...meta(settings, '', spec).labels, ...APP_LABEL },
    },
    spec: podSpec(settings, spec, image),
  };
}

/** A batch run: one attempt, bounded by the template's maximum run time. */
export function job(settings: KubeSettings, spec: WorkspaceSpec, image: string): V1Job {
  const labels = { ...meta(settings, '', spec).labels, ...APP_LABEL };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...meta(settings, 'batch', spec, namespaceName(settings, spec.id)), labels },
    spec: {
      backoffLimit: 0,
      ...(spec.template.kind === 'batch'
        ? { activeDeadlineSeconds: spec.template.maxRuntimeMinutes * 60 }
        : {}),
      template: { metadata: { labels }, spec: podSpec(settings, spec, image) },
    },
  };
}
