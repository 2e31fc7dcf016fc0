import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli, startCli, waitFor } from '../../support/cli.js';
import { freePort } from '../../support/postgres.js';

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-cli-'));
  chmodSync(dir, 0o711);
  return dir;
}

t.test('exit codes: 0 for help and version everywhere, 2 for usage errors, 1 for failures', async (t) => {
  for (const args of [
    ['--help'],
    ['--version'],
    ['user', 'add', '--help'],
    ['user', 'add', '--version'],
    ['serve', '--version'],
  ]) {
    const r = await runCli(args);
    t.equal(r.code, 0, `klarsyn ${args.join(' ')}`);
  }
  t.match((await runCli(['--version'])).stdout, /^\d+\.\d+\.\d+/);
  t.equal((await runCli(['frobnicate'])).code, 2, 'unknown command');
  t.equal((await runCli(['serve', '--port', 'eighty'])).code, 2, 'invalid option value');
  t.equal((await runCli(['user', 'add', 'x'])).code, 2, 'missing required option');
  const badConfig = await runCli(['--config', '/nonexistent.yaml', 'migrate']);
  t.equal(badConfig.code, 1);
  t.match(badConfig.stderr, /^klarsyn: cannot read configuration file/);
  t.equal(badConfig.stderr.trim().split('\n').length, 1, 'a one-line reason');
  const badRole = await runCli(['user', 'add', 'x1', '--role', 'wizard'], {
    env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' },
  });
  t.equal(badRole.code, 1);
  t.match(badRole.stderr, /unknown role "wizard"/);
});

t.test(
  'embedded PostgreSQL survives SIGKILL of the control plane; user add works beside a running server',
  async (t) => {
    const dir = dataDir();
    const port = await freePort();
    const pgPort = await freePort();
    const env = { KLARSYN_DATABASE__EMBEDDED_PORT: String(pgPort) };
    const args = ['--data-dir', dir, 'serve', '--port', String(port)];
    const base = `http://127.0.0.1:${port}`;
    const login = (password: string) =>
      fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'kim', password }),
      });

    const first = startCli(args, env);
    await waitFor(`${base}/readyz`, 180_000);
    const added = await runCli(
      ['--data-dir', dir, 'user', 'add', 'kim', '--role', 'researcher', '--password-stdin'],
      {
        input: 'a sufficiently long password\n',
        env,
      },
    );
    t.equal(added.code, 0, added.stderr);
    t.equal(
      (await login('a sufficiently long password')).status,
      200,
      'the account added by the CLI can log in',
    );

    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const second = startCli(args, env);
    t.teardown(() => second.kill('SIGKILL'));
    await waitFor(`${base}/readyz`, 180_000);
    t.equal(
      (await login('a sufficiently long password')).status,
      200,
      'after SIGKILL and restart the data is intact',
    );

    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
    t.notOk(existsSync(join(dir, 'postgres', 'postmaster.pid')), 'a clean stop also stops PostgreSQL');
  },
);
