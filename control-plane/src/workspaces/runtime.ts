import type { WorkspaceIdentity } from './identity/workspace-ca.js';
import type { WorkspaceTemplate } from './templates.js';

/**
 * What a runtime reports about one workspace's sandbox. `absent`: nothing of it exists (or what is
 * left is being torn down); `pending`: created, not yet running; `succeeded`/`failed`: a batch run
 * ended (or an interactive app exited).
 */
export type ObservedPhase = 'absent' | 'pending' | 'running' | 'succeeded' | 'failed';

export interface Observation {
  phase: ObservedPhase;
  /** Why it failed or is pending, in words without data (exit codes, admission refusals). */
  reason?: string;
}

/** Everything a runtime needs to create a workspace's sandbox; applying the same spec twice is a no-op. */
export interface WorkspaceSpec {
  id: string;
  projectId: string;
  template: WorkspaceTemplate;
  extractVersion: number;
  /** The batch script (starts with #!), for `batch` templates only. */
  script: string | null;
  /** Handed to the app; the proxy sends it upstream so only the proxy's requests are answered. */
  appToken: string;
  /** The path the app is served under by the control plane's proxy (`/workspaces/<id>/`). */
  basePath: string;
  /** No credential of the workspace lives past this moment (the project's deletion date). */
  notAfter: Date;
  /** The client certificate klarsyn-outbox presents to the control plane; fresh at every apply. */
  identity: WorkspaceIdentity;
}

/** Where the proxy reaches the app: a Unix socket (local sandbox) or a pod address (Kubernetes). */
export type AppEndpoint = { socketPath: string } | { host: string; port: number };

/**
 * A workspace runtime. Every method is idempotent and safe to repeat after a crash: the reconciler
 * calls them until the observed state matches the desired one.
 */
export interface WorkspaceRuntime {
  readonly kind: 'local' | 'kubernetes';
  /** Refuses, with the reason, a template this runtime cannot run here (e.g. JupyterLab not installed). */
  checkTemplate(template: WorkspaceTemplate): Promise<void>;
  /**
   * Creates whatever is missing of the sandbox and starts it; repairs a half-created one. Returns
   * when the storage credentials it handed over expire (null: the runtime hands over none).
   */
  apply(spec: WorkspaceSpec): Promise<{ credentialsExpireAt: Date | null }>;
  observe(workspaceId: string): Promise<Observation>;
  /** Resolves once the sandbox runs or ended (bounded by `timeoutMs`, then the last observation). */
  awaitStarted(workspaceId: string, timeoutMs: number): Promise<Observation>;
  /** Kills and removes everything of the sandbox; credentials it held stop working or expire. */
  remove(workspaceId: string): Promise<void>;
  /** Ids of every workspace the runtime holds something of, for the orphan sweep. */
  held(): Promise<string[]>;
  endpoint(workspaceId: string): Promise<AppEndpoint | undefined>;
  /**
   * Replaces the sandbox's credentials before they expire: its identity, and its storage
   * credentials where it has any (returns when those expire; null: it has none).
   */
  renewCredentials(spec: WorkspaceSpec): Promise<Date | null>;
  /** Tells the listener when a sandbox changed on its own (a batch run ended), so it is reconciled at once. */
  onChange?(listener: (workspaceId: string) => void): void;
  close(): Promise<void>;
}
