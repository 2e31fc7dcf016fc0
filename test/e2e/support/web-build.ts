import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const UI = 'control-plane/src/web/ui';
const INDEX = 'dist/web/index.html';

function newestSource(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newestSource(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );
}

/**
 * Builds the web application unless dist/web is newer than its sources: `make test` has built it
 * already, and a single test file run by hand must not test a stale bundle.
 */
export function ensureWebBuilt(): void {
  let built = 0;
  try {
    built = statSync(INDEX).mtimeMs;
  } catch {}
  if (built > newestSource(UI)) return;
  execFileSync('npm', ['run', '--silent', 'build:web'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
