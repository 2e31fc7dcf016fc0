import { KlarsynError } from '../../errors.js';
import { bytes } from '../quantity.js';
import type { WorkspaceSpec } from '../runtime.js';

/** Inside every sandbox, on both runtimes' conventions: the extract, the outbox, the app's socket. */
export const SANDBOX_PATHS = {
  extract: '/data/extract',
  outbox: '/data/outbox',
  home: '/tmp/analyst',
  socketDir: '/run/klarsyn',
  socket: '/run/klarsyn/app.sock',
  script: '/klarsyn/script',
  /** The workspace's client certificate, key and CA for klarsyn-outbox (renewed in place). */
  identity: '/klarsyn/identity',
  /** The control plane's outbox service: the one way out, and only to Klarsyn. */
  outboxService: '/klarsyn/outbox.sock',
  tools: '/klarsyn/bin',
} as const;

/** The unprivileged user inside the sandbox (the same uid the analysis image uses). */
export const SANDBOX_UID = 1000;

/** The host side of a sandbox, prepared by the runtime before it starts bubblewrap. */
export interface SandboxHost {
  /** Absolute paths on the host, so the sandbox's PATH (tool paths first) cannot stand in for them. */
  bwrap: string;
  prlimit: string;
  /** The extract version's directory, bound read-only. */
  extractDir: string;
  /** The workspace's outbox directory: the only host directory the sandbox can write to. */
  outboxDir: string;
  /** passwd and group naming the sandbox user, bound read-only at /etc. */
  passwdFile: string;
  groupFile: string;
  /** The batch script on the host (mode 0555), bound read-only. */
  scriptFile?: string;
  /** The workspace's identity files (tls.crt, tls.key, ca.crt), bound read-only. */
  identityDir: string;
  /** The outbox service's Unix socket and the klarsyn-outbox tool, bound read-only. */
  outboxSocket: string;
  outboxTool: string;
  /** How the host's root is laid out: symlinks to keep (merged /usr) and directories to bind. */
  rootLinks: { path: string; target: string }[];
  rootDirs: string[];
  /** Files and directories of the host's /etc that programs need (dynamic linker, alternatives). */
  etcPaths: string[];
  /** Extra host directories with tools (e.g. a JupyterLab virtualenv), bound read-only in place. */
  toolPaths: string[];
}

/**
 * The argv that runs a workspace's app or script under bubblewrap: new user, PID, network, IPC, UTS
 * and cgroup namespaces; the network namespace is empty (only its own loopback), so nothing outside
 * is reachable. The filesystem is built from nothing: the host's /usr read-only, the extract
 * read-only, the outbox writable, scratch space in memory, everything else read-only. No capabilities, a new session (no
 * terminal injection), killed with the control plane. Resource limits come from `prlimit`. The
 * environment is `sandboxEnv`'s, given to the process, never on its command line.
 */
export function sandboxArgv(spec: WorkspaceSpec, host: SandboxHost, command: string[]): string[] {
  const { resources } = spec.template;
  const limits = [
    `--as=${bytes(resources.memory)}`,
    '--nofile=4096',
    '--core=0',
    // The largest file the sandbox can write, so one runaway loop cannot fill the host's disk.
    `--fsize=${bytes(resources.scratch)}`,
    ...(spec.template.kind === 'batch' ? [`--cpu=${spec.template.maxRuntimeMinutes * 60}`] : []),
  ];
  const scratch = String(bytes(resources.scratch));
  return [
    host.prlimit,
    ...limits,
    '--',
    host.bwrap,
    '--unshare-all',
    '--unshare-user',
    '--uid',
    String(SANDBOX_UID),
    '--gid',
    String(SANDBOX_UID),
    '--hostname',
    'workspace',
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    '--new-session',
    ...host.rootDirs.flatMap((dir) => ['--ro-bind', dir, dir]),
    ...host.rootLinks.flatMap((link) => ['--symlink', link.target, link.path]),
    ...host.etcPaths.flatMap((path) => ['--ro-bind', path, path]),
    '--ro-bind',
    host.passwdFile,
    '/etc/passwd',
    '--ro-bind',
    host.groupFile,
    '/etc/group',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    scratch,
    '--tmpfs',
    '/tmp',
    '--perms',
    '0700',
    '--dir',
    SANDBOX_PATHS.home,
    '--size',
    String(1 << 20),
    '--tmpfs',
    SANDBOX_PATHS.socketDir,
    // After the tmpfs mounts, so a tool directory under /tmp is not hidden by the sandbox's own /tmp.
    ...host.toolPaths.flatMap((path) => ['--ro-bind', path, path]),
    '--ro-bind',
    host.extractDir,
    SANDBOX_PATHS.extract,
    '--bind',
    host.outboxDir,
    SANDBOX_PATHS.outbox,
    ...(host.scriptFile ? ['--ro-bind', host.scriptFile, SANDBOX_PATHS.script] : []),
    '--ro-bind',
    host.identityDir,
    SANDBOX_PATHS.identity,
    '--ro-bind',
    host.outboxSocket,
    SANDBOX_PATHS.outboxService,
    '--ro-bind',
    host.outboxTool,
    `${SANDBOX_PATHS.tools}/klarsyn-outbox`,
    // bwrap builds the root in a tmpfs the sandbox user owns; made read-only, the only writable places
    // left are the outbox and the memory-only scratch mounts (/tmp, /run/klarsyn, /dev).
    '--remount-ro',
    '/',
    '--chdir',
    SANDBOX_PATHS.home,
    '--info-fd',
    '3',
    '--',
    ...command,
  ];
}

/**
 * The sandbox's whole environment, handed to prlimit and bwrap as theirs (they pass it on): nothing
 * of the control plane's own environment leaks in, and no secret appears on a command line.
 */
export function sandboxEnv(spec: WorkspaceSpec, host: SandboxHost): Record<string, string> {
  const toolBins = host.toolPaths.map((path) => `${path}/bin`);
  return {
    HOME: SANDBOX_PATHS.home,
    USER: 'analyst',
    LANG: 'C.UTF-8',
    PATH: [SANDBOX_PATHS.tools, ...toolBins, '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    KLARSYN_WORKSPACE_ID: spec.id,
    KLARSYN_PROJECT_ID: spec.projectId,
    KLARSYN_EXTRACT: SANDBOX_PATHS.extract,
    KLARSYN_EXTRACT_VERSION: String(spec.extractVersion),
    KLARSYN_OUTBOX: SANDBOX_PATHS.outbox,
    KLARSYN_OUTBOX_URL: `unix:${SANDBOX_PATHS.outboxService}`,
    KLARSYN_CLIENT_CERT: `${SANDBOX_PATHS.identity}/tls.crt`,
    KLARSYN_CLIENT_KEY: `${SANDBOX_PATHS.identity}/tls.key`,
    KLARSYN_CA: `${SANDBOX_PATHS.identity}/ca.crt`,
    // JupyterLab reads its token from here; the proxy sends the same one upstream.
    ...(spec.template.app === 'jupyterlab' ? { JUPYTER_TOKEN: spec.appToken } : {}),
  };
}

/** The command that starts each app in the local sandbox, listening on the sandbox's Unix socket only. */
export function localCommand(spec: WorkspaceSpec): string[] {
  switch (spec.template.app) {
    case 'jupyterlab':
      return [
        'jupyter',
        'lab',
        '--no-browser',
        `--ServerApp.sock=${SANDBOX_PATHS.socket}`,
        `--ServerApp.base_url=${spec.basePath}`,
        '--ServerApp.root_dir=/data',
      ];
    case 'script':
      return [SANDBOX_PATHS.script];
    case 'rstudio':
      throw rstudioUnsupported();
  }
}

/** RStudio Server needs root and PAM to start sessions, which an unprivileged sandbox cannot give it. */
export function rstudioUnsupported(): KlarsynError {
  return new KlarsynError(
    'conflict',
    'the local sandbox cannot run RStudio Server (it needs root and PAM); use the jupyter template (it has an R kernel) or the Kubernetes runtime',
  );
}
