import { readFileSync } from 'node:fs';

/** The package version, read from the root package.json in both the source and the built tree. */
function readVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'));
      if (pkg.name === 'klarsyn') return pkg.version;
    } catch {}
  }
  return '0.0.0';
}

export const VERSION = readVersion();
