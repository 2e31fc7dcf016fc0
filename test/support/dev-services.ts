// Connection details of the real services tests run against (see infra/dev/README.md).
// Local services: infra/dev/up.sh writes infra/dev/.state/kubeconfig and minio.env.
// External services: KUBECONFIG, MINIO_ENDPOINT, MINIO_ACCESS_KEY and MINIO_SECRET_KEY all set —
// all four, so a developer's everyday KUBECONFIG alone never sends tests to their cluster (the same
// rule as infra/dev/lib.sh). A missing service throws: tests that need it fail with the reason,
// they are never skipped.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { Client } from 'minio';

/** infra/dev/.state, or KLARSYN_DEV_STATE when up.sh was told to keep its state elsewhere. */
export const DEV_STATE_DIR =
  process.env.KLARSYN_DEV_STATE || fileURLToPath(new URL('../../infra/dev/.state/', import.meta.url));

const START_HINT =
  'start them with `make dev-up` (or run the tests through `bash infra/dev/with-services.sh npx tap ...`), ' +
  'or point KUBECONFIG, MINIO_ENDPOINT, MINIO_ACCESS_KEY and MINIO_SECRET_KEY at external services';

export class DevServicesUnavailableError extends Error {
  readonly code = 'DEV_SERVICES_UNAVAILABLE';
}

export interface DevServicesSource {
  env?: NodeJS.ProcessEnv;
  stateDir?: string;
}

export interface MinioConnection {
  /** Base URL, e.g. http://127.0.0.1:17900 (what AssumeRoleProvider's stsEndpoint takes). */
  url: string;
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  region: string;
}

const MINIO_KEYS = ['MINIO_ENDPOINT', 'MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY'] as const;

export function usesExternalServices(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.KUBECONFIG) && MINIO_KEYS.every((key) => Boolean(env[key]));
}

function stateFile(stateDir: string, name: string): string {
  const path = `${stateDir.replace(/\/$/, '')}/${name}`;
  if (!existsSync(path)) {
    throw new DevServicesUnavailableError(`dev services are not running: ${path} is missing; ${START_HINT}`);
  }
  return path;
}

/** KEY=VALUE lines, as up.sh writes them (no quoting, no expansion). */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) vars[match[1]] = match[2];
  }
  return vars;
}

/** MINIO_ENDPOINT may be a URL (http://host:port) or a bare host with MINIO_PORT and MINIO_USE_SSL. */
export function minioConnectionFrom(vars: Record<string, string | undefined>): MinioConnection {
  const missing = MINIO_KEYS.filter((key) => !vars[key]);
  if (missing.length > 0) {
    throw new DevServicesUnavailableError(
      `MinIO connection incomplete: ${missing.join(', ')} not set; ${START_HINT}`,
    );
  }
  const endpoint = vars.MINIO_ENDPOINT as string;
  const hasScheme = endpoint.includes('://');
  const useSSL = hasScheme ? endpoint.startsWith('https://') : vars.MINIO_USE_SSL === 'true';
  const parsed = new URL(hasScheme ? endpoint : `${useSSL ? 'https' : 'http'}://${endpoint}`);
  const port = Number(parsed.port || vars.MINIO_PORT || (useSSL ? 443 : 80));
  return {
    url: `${parsed.protocol}//${parsed.hostname}:${port}`,
    endPoint: parsed.hostname,
    port,
    useSSL,
    accessKey: vars.MINIO_ACCESS_KEY as string,
    secretKey: vars.MINIO_SECRET_KEY as string,
    region: vars.MINIO_REGION || 'us-east-1',
  };
}

export function minioConnection(source: DevServicesSource = {}): MinioConnection {
  const env = source.env ?? process.env;
  if (usesExternalServices(env)) return minioConnectionFrom(env);
  const path = stateFile(source.stateDir ?? DEV_STATE_DIR, 'minio.env');
  return minioConnectionFrom(parseEnvFile(readFileSync(path, 'utf8')));
}

export function kubeConfigPath(source: DevServicesSource = {}): string {
  const env = source.env ?? process.env;
  if (usesExternalServices(env)) return env.KUBECONFIG as string;
  return stateFile(source.stateDir ?? DEV_STATE_DIR, 'kubeconfig');
}

export function loadKubeConfig(source: DevServicesSource = {}): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeConfigPath(source));
  return kc;
}

/** A MinIO client; root credentials unless others are given (e.g. STS session credentials). */
export function minioClient(
  conn: MinioConnection,
  credentials: { accessKey: string; secretKey: string; sessionToken?: string } = conn,
): Client {
  return new Client({
    endPoint: conn.endPoint,
    port: conn.port,
    useSSL: conn.useSSL,
    region: conn.region,
    accessKey: credentials.accessKey,
    secretKey: credentials.secretKey,
    ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
  });
}

/** A DNS-1123 name unique to this run, for namespaces and buckets shared with parallel tests. */
export function uniqueName(prefix: string): string {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  return `${prefix}-${suffix}`.toLowerCase();
}

/**
 * Polls `probe` until it returns a value other than undefined. Controllers (quota status, default
 * ServiceAccounts, namespace deletion, kwok) act asynchronously: tests wait for them, bounded.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 250 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
