import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const KLARSYN_BIN = fileURLToPath(new URL('../../bin/klarsyn.js', import.meta.url));
const CLI_SOURCE = new URL('../../control-plane/src/cli/main.ts', import.meta.url).href;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `klarsyn` CLI as a user would (make test builds it first). */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runNode([KLARSYN_BIN, ...args], options);
}

/** Runs the CLI from source through tsx, as the tests themselves run, for tests that need no build. */
export function runCliFromSource(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const run = `import(${JSON.stringify(CLI_SOURCE)}).then(async (m) => process.exit(await m.main(${JSON.stringify(args)})))`;
  return runNode(['--import=tsx', '-e', run], options);
}

interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
}

function runNode(argv: string[], options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Starts a long-running CLI command (serve, demo) in the background. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [KLARSYN_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms`);
}
