import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { KlarsynError } from '../../errors.js';
import type { DirectoryStore } from '../../storage/directory-store.js';
import { extractVersionPrefix, outboxPrefix } from '../../storage/layout.js';
import type { Observation, WorkspaceRuntime, WorkspaceSpec } from '../runtime.js';
import type { WorkspaceTemplate } from '../templates.js';
import { describeHostRoot, findExecutable, type HostRoot, hostBinary } from './host-root.js';
import {
  localCommand,
  rstudioUnsupported,
  SANDBOX_PATHS,
  SANDBOX_UID,
  sandboxArgv,
  sandboxEnv,
} from './sandbox-args.js';

export interface LocalRuntimeOptions {
  store: DirectoryStore;
  /** Per-workspace host files (passwd, script, app log); removed with the sandbox. */
  runDir: string;
  bwrap: string;
  toolPaths: string[];
  /** The outbox service's Unix socket and the klarsyn-outbox tool, bound into every sandbox. */
  outboxSocket: string;
  outboxTool: string;
  logger: Logger;
}

/** The batch run's output, written into the outbox so it leaves only through output review. */
export const BATCH_LOG = 'klarsyn-batch.log';

interface Sandbox {
  kind: WorkspaceTemplate['kind'];
  app: WorkspaceTemplate['app'];
  process: ChildProcess;
  /** The sandbox's first process, whose /proc/<pid>/root reaches the sandbox's own filesystem. */
  childPid: Promise<number | undefined>;
  exited: Promise<void>;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
}

/**
 * The embedded runtime: each workspace is a bubblewrap sandbox on this machine (Linux). Sandboxes
 * live as long as the control plane (they die with it); after a restart the reconciler starts
 * interactive ones again and fails interrupted batch runs.
 */
export class LocalRuntime implements WorkspaceRuntime {
  readonly kind = 'local';
  private readonly sandboxes = new Map<string, Sandbox>();
  private hostRoot: HostRoot | undefined;
  private listener: ((workspaceId: string) => void) | undefined;

  constructor(private readonly options: LocalRuntimeOptions) {}

  async checkTemplate(template: WorkspaceTemplate): Promise<void> {
    for (const [tool, pkg] of [
      [this.options.bwrap, 'bubblewrap'],
      ['prlimit', 'util-linux'],
    ] as const) {
      if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) {
        throw new KlarsynError(
          'conflict',
          `the local sandbox needs ${tool}, which is not installed on this host (apt-get install ${pkg})`,
        );
      }
    }
    if (template.app === 'rstudio') throw rstudioUnsupported();
    if (template.app === 'jupyterlab' && !findExecutable('jupyter', this.options.toolPaths)) {
      throw new KlarsynError(
        'conflict',
        'JupyterLab is not installed on this host (no `jupyter` in /usr/local/bin, /usr/bin or workspaces.local.toolPaths); install it (pip install jupyterlab) or point workspaces.local.toolPaths at a virtualenv that has it',
      );
    }
  }

  async apply(spec: WorkspaceSpec): Promise<{ credentialsExpireAt: null }> {
    if (!this.sandboxes.has(spec.id)) this.sandboxes.set(spec.id, await this.start(spec));
    return { credentialsExpireAt: null };
  }

  /** Replaces the identity files in place; the sandbox sees them at once through its bind mount. */
  async renewCredentials(spec: WorkspaceSpec): Promise<null> {
    if (this.sandboxes.has(spec.id))
      await writeIdentity(join(this.options.runDir, spec.id, 'identity'), spec);
    return null;
  }

  async observe(workspaceId: string): Promise<Observation> {
    const sandbox = this.sandboxes.get(workspaceId);
    if (!sandbox) return { phase: 'absent' };
    if (sandbox.exit) return ended(sandbox);
    if (sandbox.kind === 'batch') return { phase: 'running' };
    const endpoint = await this.endpoint(workspaceId);
    return endpoint && (await accepts(endpoint.socketPath)) ? { phase: 'running' } : { phase: 'pending' };
  }

  async awaitStarted(workspaceId: string, timeoutMs: number): Promise<Observation> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const observed = await this.observe(workspaceId);
      if (observed.phase !== 'pending' || Date.now() >= deadline) return observed;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async remove(workspaceId: string): Promise<void> {
    const sandbox = this.sandboxes.get(workspaceId);
    if (sandbox && !sandbox.exit && sandbox.process.pid) {
      // bwrap leads its own process group; its death takes the sandbox's PID namespace with it.
      try {
        process.kill(-sandbox.process.pid, 'SIGKILL');
      } catch {}
    }
    await sandbox?.exited;
    await rm(join(this.options.runDir, workspaceId), { recursive: true, force: true });
    this.sandboxes.delete(workspaceId);
  }

  async held(): Promise<string[]> {
    return [...this.sandboxes.keys()];
  }

  async endpoint(workspaceId: string): Promise<{ socketPath: string } | undefined> {
    const sandbox = this.sandboxes.get(workspaceId);
    const pid = sandbox && !sandbox.exit ? await sandbox.childPid : undefined;
    return pid ? { socketPath: `/proc/${pid}/root${SANDBOX_PATHS.socket}` } : undefined;
  }

  onChange(listener: (workspaceId: string) => void): void {
    this.listener = listener;
  }

  async close(): Promise<void> {
    this.listener = undefined;
    await Promise.all([...this.sandboxes.keys()].map((id) => this.remove(id)));
  }

  private async start(spec: WorkspaceSpec): Promise<Sandbox> {
    const { store, runDir } = this.options;
    await this.checkTemplate(spec.template);
    const extractDir = store.hostPath(extractVersionPrefix(spec.projectId, spec.extractVersion));
    if (!existsSync(extractDir)) {
      throw new KlarsynError('conflict', `extract version ${spec.extractVersion} is not in the object store`);
    }
    const outboxDir = store.hostPath(outboxPrefix(spec.projectId, spec.id));
    await mkdir(outboxDir, { recursive: true, mode: 0o700 });
    const dir = join(runDir, spec.id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const passwdFile = join(dir, 'passwd');
    const groupFile = join(dir, 'group');
    await writeFile(
      passwdFile,
      `analyst:x:${SANDBOX_UID}:${SANDBOX_UID}:analyst:${SANDBOX_PATHS.home}:/bin/sh\n`,
    );
    await writeFile(groupFile, `analyst:x:${SANDBOX_UID}:\n`);
    let scriptFile: string | undefined;
    if (spec.script !== null) {
      scriptFile = join(dir, 'script');
      await writeFile(scriptFile, spec.script);
      await chmod(scriptFile, 0o555);
    }
    const identityDir = join(dir, 'identity');
    await writeIdentity(identityDir, spec);
    this.hostRoot ??= describeHostRoot();
    const sandboxHost = {
      bwrap: hostBinary(this.options.bwrap),
      prlimit: hostBinary('prlimit'),
      extractDir,
      outboxDir,
      passwdFile,
      groupFile,
      scriptFile,
      identityDir,
      outboxSocket: this.options.outboxSocket,
      outboxTool: this.options.outboxTool,
      toolPaths: this.options.toolPaths,
      ...this.hostRoot,
    };
    const argv = sandboxArgv(spec, sandboxHost, localCommand(spec));
    const output = await open(
      spec.template.kind === 'batch' ? join(outboxDir, BATCH_LOG) : join(dir, 'app.log'),
      'a',
    );
    const child = spawn(argv[0] as string, argv.slice(1), {
      stdio: ['ignore', output.fd, output.fd, 'pipe'],
      detached: true,
      env: sandboxEnv(spec, sandboxHost),
    });
    await output.close();
    const sandbox: Sandbox = {
      kind: spec.template.kind,
      app: spec.template.app,
      process: child,
      childPid: readChildPid(child),
      exited: new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          sandbox.exit = { code, signal };
          resolve();
          this.listener?.(spec.id);
        });
        child.once('error', (err) => {
          this.options.logger.error({ err, workspace: spec.id }, 'the sandbox did not start');
          sandbox.exit = { code: 127, signal: null };
          resolve();
        });
      }),
    };
    return sandbox;
  }
}

/** tls.crt, tls.key and ca.crt for klarsyn-outbox; each replaced by a rename, never seen half-written. */
async function writeIdentity(dir: string, spec: WorkspaceSpec): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const files = {
    'tls.crt': spec.identity.certificatePem,
    'tls.key': spec.identity.privateKeyPem,
    'ca.crt': spec.identity.caPem,
  };
  for (const [name, text] of Object.entries(files)) {
    const temporary = join(dir, `.${name}.new`);
    await writeFile(temporary, text, { mode: name === 'tls.key' ? 0o600 : 0o644 });
    await rename(temporary, join(dir, name));
  }
}

/**
 * bwrap writes {"child-pid": N, ...} to its info fd once the sandbox's namespaces exist. The pipe is
 * read to its end: closing it early would kill bwrap with SIGPIPE on its next write.
 */
function readChildPid(child: ChildProcess): Promise<number | undefined> {
  const info = child.stdio[3] as Readable | null;
  if (!info) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let text = '';
    info.on('data', (chunk) => {
      text += String(chunk);
      const pid = /"child-pid":\s*(\d+)/.exec(text)?.[1];
      if (pid) resolve(Number(pid));
    });
    info.on('close', () => resolve(undefined));
    info.on('error', () => resolve(undefined));
  });
}

function ended(sandbox: Sandbox): Observation {
  const { code, signal } = sandbox.exit as NonNullable<Sandbox['exit']>;
  const what =
    sandbox.kind === 'batch' ? 'the script' : sandbox.app === 'jupyterlab' ? 'JupyterLab' : 'the app';
  if (code === 0) return { phase: 'succeeded' };
  if (signal === 'SIGXCPU') return { phase: 'failed', reason: `${what} used up its CPU time` };
  if (signal) return { phase: 'failed', reason: `${what} was killed by ${signal}` };
  return { phase: 'failed', reason: `${what} exited with code ${code}` };
}

function accepts(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
