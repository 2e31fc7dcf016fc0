// klarsyn-outbox, the in-workspace tool (workspace-images/analysis/klarsyn-outbox), against the
// control plane's mutual-TLS outbox service: from inside a real sandbox, and on its own with the
// certificates a workspace holds, current, revoked and foreign.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { WorkspaceCa } from '../../../control-plane/src/workspaces/identity/workspace-ca.js';
import { buildTestApp } from '../../support/app.js';
import {
  approvedProjectWithExtract,
  fakeJupyterToolPath,
  launch,
  logEvents,
  seed,
  waitForStatus,
} from './support.js';

const TOOL = 'workspace-images/analysis/klarsyn-outbox';

/** Run asynchronously: the outbox service answers from this very process. */
function tool(args: string[], env: Record<string, string>) {
  const child = spawn('python3', [TOOL, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  return new Promise<{ status: number | null; out: string; err: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, out, err }));
  });
}

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t, {
    'workspaces.local.toolPaths': fakeJupyterToolPath(t),
    'workspaces.reconcileIntervalSeconds': 3600,
  });
  const people = await seed(ctx, ctx.store);
  const projectId = await approvedProjectWithExtract(ctx.app, people.anna);
  return { ...ctx, ...people, projectId };
}

t.test(
  'inside the sandbox, a script adds a result to the outbox and submits it for output control',
  async (t) => {
    const { app, pool, store, anna, projectId } = await setup(t);
    const script = `#!/bin/sh
set -e
printf 'region,n\\nH,12\\nS,17\\n' > /tmp/table.csv
klarsyn-outbox add /tmp/table.csv --as by_region.csv
klarsyn-outbox list
klarsyn-outbox submit --context 'Persons per region, 2019-2022' by_region.csv
`;
    const id = (await launch(app, anna, projectId, { template: 'batch', script })).json().id as string;
    const done = await waitForStatus(app, anna, id, ['stopped', 'failed']);
    const log = readFileSync(
      join(store.hostPath(`projects/${projectId}/workspaces/${id}/outbox/`), 'klarsyn-batch.log'),
      'utf8',
    );
    t.equal(done.status, 'stopped', 'the batch ran to completion', { log });
    t.match(log, /added by_region\.csv \(19 bytes, sha256 [0-9a-f]{64}\)/);
    t.match(log, /by_region\.csv\s+19/);
    t.match(log, /submitted 1 file\(s\) for output control as [0-9a-f-]{36}/);

    const sha256 = createHash('sha256').update('region,n\nH,12\nS,17\n').digest('hex');
    const annaId = (await pool.query("SELECT id FROM accounts WHERE username = 'anna'")).rows[0].id;
    // The submission is a release request by the workspace's creator, checked and with the reviewers.
    const requests = (
      await app.inject({ url: `/api/v1/projects/${projectId}/release-requests`, headers: anna })
    ).json();
    t.equal(requests.length, 1, 'one release request');
    t.match(requests[0], {
      workspaceId: id,
      author: annaId,
      status: 'submitted',
      context: 'Persons per region, 2019-2022',
      files: [{ name: 'by_region.csv', size: 19, sha256, revision: 1 }],
    });
    t.match(requests[0].files[0].verdict, /^(pass|review|block)$/, 'the automatic checks ran');
    t.match(log, new RegExp(`submitted 1 file\\(s\\) for output control as ${requests[0].id}`));
    t.match(log, /by_region\.csv {2}19 bytes {2}sha256 [0-9a-f]{64} automatic checks: (pass|review|block)/);
    const [logged] = await logEvents(pool, 'release.files_changed');
    t.same(logged.details, {
      request: requests[0].id,
      workspace: id,
      added: [{ name: 'by_region.csv', size: 19, sha256, revision: 1 }],
      removed: [],
    });
    t.equal(logged.actor, `workspace:${id}`);
    t.same(
      (await logEvents(pool, 'release.status_changed')).map((e) => [e.details.from, e.details.to]),
      [['draft', 'submitted']],
      'composed and submitted, each step logged',
    );
    t.notMatch(JSON.stringify(logged), /H,12/, 'the log names files by hash, never their contents');
  },
);

t.test('on its own: only the current certificate of a running workspace is accepted', async (t) => {
  const { app, anna, projectId, dataDir } = await setup(t);
  const id = (await launch(app, anna, projectId, { template: 'jupyter' })).json().id as string;
  await waitForStatus(app, anna, id, ['running']);
  // The certificate the sandbox holds, copied out as an attacker who stole it would.
  const stolen = mkdtempSync(join(tmpdir(), 'klarsyn-identity-'));
  t.teardown(() => rmSync(stolen, { recursive: true, force: true }));
  cpSync(join(dataDir, 'workspaces', id, 'identity'), stolen, { recursive: true });
  const env = (dir: string) => ({
    KLARSYN_OUTBOX_URL: `unix:${join(dataDir, 'workspaces', 'outbox.sock')}`,
    KLARSYN_CLIENT_CERT: join(dir, 'tls.crt'),
    KLARSYN_CLIENT_KEY: join(dir, 'tls.key'),
    KLARSYN_CA: join(dir, 'ca.crt'),
  });

  t.match(await tool(['list'], env(stolen)), { status: 0, out: /the outbox is empty/ });
  writeFileSync(join(stolen, 'result.csv'), 'n\n5\n');
  t.match(await tool(['add', join(stolen, 'result.csv')], env(stolen)), {
    status: 0,
    out: /added result\.csv \(4 bytes/,
  });
  t.match(await tool(['submit', '--context', 'x', 'missing.csv'], env(stolen)), {
    status: 1,
    err: /missing\.csv is not in the outbox/,
  });
  t.match(await tool(['add', '/nonexistent'], env(stolen)), { status: 2, err: /cannot read/ });
  t.match(await tool(['list'], {}), { status: 2, err: /not set: run this inside a Klarsyn workspace/ });

  const foreign = mkdtempSync(join(tmpdir(), 'klarsyn-foreign-'));
  t.teardown(() => rmSync(foreign, { recursive: true, force: true }));
  const other = (await WorkspaceCa.open(join(foreign, 'ca'))).issueClient(
    id,
    projectId,
    new Date('2031-01-01'),
  );
  writeFileSync(join(foreign, 'tls.crt'), other.certificatePem);
  writeFileSync(join(foreign, 'tls.key'), other.privateKeyPem);
  cpSync(join(stolen, 'ca.crt'), join(foreign, 'ca.crt'));
  t.match(
    await tool(['list'], env(foreign)),
    { status: 3, err: /cannot reach Klarsyn/ },
    'a certificate from another CA fails the handshake',
  );

  t.equal(
    (await app.inject({ method: 'POST', url: `/api/v1/workspaces/${id}/stop`, headers: anna })).statusCode,
    202,
  );
  await waitForStatus(app, anna, id, ['stopped']);
  t.match(
    await tool(['list'], env(stolen)),
    { status: 1, err: /no longer\) belong to a running workspace/ },
    'revoked at stop',
  );

  t.equal(
    (await app.inject({ method: 'POST', url: `/api/v1/workspaces/${id}/restart`, headers: anna })).statusCode,
    202,
  );
  await waitForStatus(app, anna, id, ['running']);
  t.match(
    await tool(['list'], env(stolen)),
    { status: 1 },
    'and stays revoked: the restarted sandbox has a new certificate',
  );
  t.match(
    await tool(['list'], env(join(dataDir, 'workspaces', id, 'identity'))),
    { status: 0, out: /result\.csv/ },
    'which works',
  );
});
