// Helpers of the install and leader-election tests.
import { connect, createServer, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export interface CuttableLink {
  /** A kubeconfig that reaches the API server through the link. */
  kubeConfig: KubeConfig;
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
