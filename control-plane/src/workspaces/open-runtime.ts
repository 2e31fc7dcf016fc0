import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { KlarsynError } from '../errors.js';
import { DirectoryStore } from '../storage/directory-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { ScopedCredentialIssuer } from '../storage/scoped-credentials.js';
import { KubernetesRuntime } from './kubernetes/kube-runtime.js';
import { LocalRuntime } from './local/local-runtime.js';
import type { WorkspaceRuntime } from './runtime.js';

/** The configured workspace runtime, checked against the object store it must share data with. */
export async function openRuntime(
  config: Config,
  store: ObjectStore,
  logger: Logger,
): Promise<WorkspaceRuntime> {
  const settings = config.workspaces;
  if (settings.runtime === 'kubernetes') return kubernetesRuntime(config);
  if (!(store instanceof DirectoryStore)) {
    throw new KlarsynError(
      'config_invalid',
      'the local workspace sandbox needs storage.driver directory (it binds the extract and outbox directories)',
    );
  }
  return new LocalRuntime({
    store,
    runDir: join(config.dataDir, 'workspaces'),
    bwrap: settings.local.bwrap,
    toolPaths: settings.local.toolPaths.split(':').filter(Boolean),
    outboxSocket: outboxSocketPath(config),
    outboxTool: shippedOutboxTool(),
    logger,
  });
}

/** Workspaces on Kubernetes read and write the S3 bucket with STS credentials the control plane mints. */
function kubernetesRuntime(config: Config): WorkspaceRuntime {
  const { endpoint, accessKey, secretKey, bucket, region, driver } = config.storage;
  if (driver !== 's3' || !endpoint || !accessKey || !secretKey) {
    throw new KlarsynError(
      'config_invalid',
      'workspaces on Kubernetes need storage.driver s3 (they get STS credentials for their prefixes)',
    );
  }
  const kubeConfig = new KubeConfig();
  const file = config.workspaces.kubernetes.kubeconfig;
  if (file) kubeConfig.loadFromFile(file);
  else kubeConfig.loadFromCluster();
  return new KubernetesRuntime({
    kubeConfig,
    settings: {
      ...config.workspaces.kubernetes,
      bucket,
      outbox: { url: config.workspaces.outbox.url, port: config.workspaces.outbox.port },
    },
    credentials: new ScopedCredentialIssuer({ endpoint, accessKey, secretKey, bucket, region }),
    credentialTtlSeconds: config.workspaces.credentialTtlSeconds,
    images: config.workspaces.images,
  });
}

/** Where the outbox service listens for local sandboxes (and where they find it, bound in). */
export function outboxSocketPath(config: Config): string {
  return join(config.dataDir, 'workspaces', 'outbox.sock');
}

/** workspace-images/analysis/klarsyn-outbox, found from both the source tree and the built dist tree. */
function shippedOutboxTool(): string {
  for (const up of ['../../../', '../../../../']) {
    const path = fileURLToPath(new URL(`${up}workspace-images/analysis/klarsyn-outbox`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new KlarsynError('internal', 'workspace-images/analysis/klarsyn-outbox not found');
}
