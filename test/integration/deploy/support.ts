// Helpers of the install and leader-election tests.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

export interface CuttableLink {
  /** A kubeconfig that reaches the API server through the link. */
  kubeConfig: KubeConfig;
  /** The link's API server URL, for kubeconfig files of other users. */
  url: string;
  /** Drops every connection and refuses new ones: a network partition. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay to the API server that the test can cut, so a replica loses the API server the way
 * it would in a partition (TLS runs end to end through it; 127.0.0.1 is in the serving certificate).
 */
export async function cuttableKubeConfig(admin: KubeConfig): Promise<CuttableLink> {
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no current cluster');
  const target = new URL(cluster.server);
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 443), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ ...cluster, name: 'relay', server: `https://127.0.0.1:${port}` }],
    users: admin.users,
    contexts: [{ name: 'relay', cluster: 'relay', user: admin.getCurrentUser()?.name as string }],
    currentContext: 'relay',
  });
  return {
    kubeConfig,
    url: `https://127.0.0.1:${port}`,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close() {
      open = false;
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The pinned kustomize that infra/dev/build.sh builds (its pin is read from there, not repeated). */
export function kustomizeBinary(): string {
  const buildScript = readFileSync(new URL('../../../infra/dev/build.sh', import.meta.url), 'utf8');
  const version = /^KUSTOMIZE_VERSION=(\S+)$/m.exec(buildScript)?.[1];
  if (!version) throw new Error('no KUSTOMIZE_VERSION in infra/dev/build.sh');
  const cache = process.env.KLARSYN_CACHE ?? join(homedir(), '.cache', 'klarsyn');
  const bin = join(cache, 'bin', `kustomize-${version}`);
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run bash infra/dev/build.sh kustomize`);
  return bin;
}

/** `kustomize build` of a folder under infra/deploy, parsed into objects. */
export function renderBundle(folder: string): KubernetesObject[] {
  const dir = fileURLToPath(new URL(`../../../infra/deploy/${folder}`, import.meta.url));
  const yaml = execFileSync(kustomizeBinary(), ['build', dir], { encoding: 'utf8', maxBuffer: 16 << 20 });
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as KubernetesObject)
    .filter(Boolean);
}

/** Server-side apply as an operator's `kubectl apply --server-side` would. */
export async function serverSideApply(
  kubeConfig: KubeConfig,
  objects: KubernetesObject[],
  options: { dryRun?: boolean; fieldManager?: string } = {},
): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const object of objects) {
    await api.patch(
      object,
      undefined,
      options.dryRun ? 'All' : undefined,
      options.fieldManager ?? 'klarsyn-install',
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}

/** A kubeconfig holding a token of exactly the control plane's ServiceAccount. */
export async function serviceAccountKubeConfig(
  admin: KubeConfig,
  namespace: string,
  name: string,
): Promise<KubeConfig> {
  const request = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = request.status?.token;
  if (!token) throw new Error('TokenRequest returned no token');
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no current cluster');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ ...cluster, name: 'dev' }],
    users: [{ name, token }],
    contexts: [{ name: 'dev', cluster: 'dev', user: name }],
    currentContext: 'dev',
  });
  return kubeConfig;
}
