import { accessSync, constants, existsSync, lstatSync, readlinkSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Top-level directories a program may need: bound read-only, or recreated as symlinks (merged /usr). */
const ROOT_ENTRIES = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/** What of the host's /etc programs need to start (linker cache, alternatives, time zone, fonts, R). */
const ETC_ENTRIES = [
  '/etc/alternatives',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/localtime',
  '/etc/mime.types',
  '/etc/fonts',
  '/etc/R',
  '/etc/jupyter',
];

export interface HostRoot {
  rootDirs: string[];
  rootLinks: { path: string; target: string }[];
  etcPaths: string[];
}

/** Reads how this host lays out its root, once, so the sandbox mirrors it without seeing the rest. */
export function describeHostRoot(): HostRoot {
  const root: HostRoot = { rootDirs: [], rootLinks: [], etcPaths: ETC_ENTRIES.filter((p) => existsSync(p)) };
  for (const path of ROOT_ENTRIES) {
    const stats = lstatSync(path, { throwIfNoEntry: false });
    if (stats?.isSymbolicLink()) root.rootLinks.push({ path, target: readlinkSync(path) });
    else if (stats?.isDirectory()) root.rootDirs.push(path);
  }
  return root;
}

/** The first executable of that name on the sandbox's PATH, as the host has it; undefined if none. */
export function findExecutable(name: string, toolPaths: string[]): string | undefined {
  const dirs = [...toolPaths.map((p) => join(p, 'bin')), '/usr/local/bin', '/usr/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** A program as the control plane's own PATH finds it, made absolute; the name itself if not found. */
export function hostBinary(name: string): string {
  if (isAbsolute(name)) return name;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':').filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return name;
}
