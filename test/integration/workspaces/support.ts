// An approved project with a published extract, on a full test app, for the workspace tests.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { parseCatalogFile } from '../../../control-plane/src/catalog/catalog-file.js';
import { publishCatalog } from '../../../control-plane/src/catalog/publish.js';
import type { Config } from '../../../control-plane/src/config/schema.js';
import { inTransaction } from '../../../control-plane/src/db/transaction.js';
import type { ObjectStore } from '../../../control-plane/src/storage/object-store.js';
import workspaces from '../../../control-plane/src/workspaces/plugin.js';
import { addAccount, bearer, login, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/dev-services.js';
import { extractApplication } from '../../support/fixtures.js';
import { writeRegisterFixtures } from '../../support/register-fixtures.js';

const catalogYaml = readFileSync('policies/catalog/synthetic-registers.yaml', 'utf8');

const application = extractApplication([
  { source: 'lmdb', variable: 'pnr', justification: 'link' },
  { source: 'lmdb', variable: 'atc', justification: 'drug' },
  { source: 'bef', variable: 'pnr', justification: 'link' },
  { source: 'bef', variable: 'kom', justification: 'region' },
  { source: 'bef', variable: 'year', justification: 'year' },
]);

export type Headers = Record<string, string>;

export interface Researchers {
  /** The applicant: the project's member. */
  anna: Headers;
  /** A researcher outside the project. */
  bo: Headers;
  admin: Headers;
}

/** Accounts and the catalog, once per app; `store` receives the source registers. */
export async function seed(ctx: Pick<TestApp, 'app' | 'pool'>, store: ObjectStore): Promise<Researchers> {
  await writeRegisterFixtures(store);
  await inTransaction(ctx.pool, (tx) =>
    publishCatalog(tx, new TransparencyLog(), parseCatalogFile(catalogYaml), 'test'),
  );
  await addAccount(ctx.pool, 'anna', [{ role: 'researcher' }]);
  await addAccount(ctx.pool, 'bo', [{ role: 'researcher' }]);
  await addAccount(ctx.pool, 'ada', [{ role: 'admin' }]);
  await addAccount(ctx.pool, 'sds', [{ role: 'steward', authority: 'SDS' }]);
  await addAccount(ctx.pool, 'dst', [{ role: 'steward', authority: 'DST' }]);
  return {
    anna: bearer(await login(ctx.app, 'anna')),
    bo: bearer(await login(ctx.app, 'bo')),
    admin: bearer(await login(ctx.app, 'ada')),
  };
}

/** An approved project of anna's with extract v1 published. */
export async function approvedProjectWithExtract(
  app: FastifyInstance,
  anna: Headers,
  options: { extract?: boolean } = {},
): Promise<string> {
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/projects/',
    headers: anna,
    payload: application,
  });
  const id = created.json().id as string;
  await app.inject({ method: 'POST', url: `/api/v1/projects/${id}/submit`, headers: anna });
  for (const steward of ['sds', 'dst']) {
    const decided = await app.inject({
      method: 'POST',
      url: `/api/v1/projects/${id}/decisions`,
      headers: bearer(await login(app, steward)),
      payload: { decision: 'approved', reason: 'approved as proposed' },
    });
    if (decided.statusCode !== 200) throw new Error(`approval failed: ${decided.body}`);
  }
  if (options.extract === false) return id;
  await app.inject({ method: 'POST', url: `/api/v1/projects/${id}/extracts`, headers: anna });
  const extract = await waitFor(
    'extract v1 to be built',
    async () => {
      const res = (await app.inject({ url: `/api/v1/projects/${id}/extracts/1`, headers: anna })).json();
      return res.status === 'running' ? undefined : res;
    },
    { timeoutMs: 120_000, intervalMs: 200 },
  );
  if (extract.status !== 'published') throw new Error(`extract failed: ${extract.error}`);
  return id;
}

export interface WorkspaceView {
  id: string;
  status: string;
  desired: string;
  reason: string | null;
  [key: string]: unknown;
}

/** Polls the API until the workspace reaches one of `statuses`. */
export async function waitForStatus(
  app: FastifyInstance,
  headers: Headers,
  id: string,
  statuses: string[],
  timeoutMs = 60_000,
): Promise<WorkspaceView> {
  return waitFor(
    `workspace ${id} to become ${statuses.join(' or ')}`,
    async () => {
      const res = await app.inject({ url: `/api/v1/workspaces/${id}`, headers });
      const view = res.json() as WorkspaceView;
      return statuses.includes(view.status) ? view : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

export async function launch(
  app: FastifyInstance,
  headers: Headers,
  projectId: string,
  payload: Record<string, unknown>,
) {
  return app.inject({ method: 'POST', url: `/api/v1/projects/${projectId}/workspaces`, headers, payload });
}

/** A tool directory whose bin/jupyter is the stand-in of fixtures/fake-jupyter.py (see there). */
export function fakeJupyterToolPath(t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-tools-'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(new URL('./fixtures/fake-jupyter.py', import.meta.url), join(dir, 'bin', 'jupyter'));
  chmodSync(join(dir, 'bin', 'jupyter'), 0o755);
  chmodSync(dir, 0o755);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Log entries whose type starts with `prefix`, pending and integrated, as the public log will show them. */
export async function logEvents(pool: import('pg').Pool, prefix: string) {
  const { rows } = await pool.query(
    `SELECT e FROM (SELECT id AS o, convert_from(data, 'UTF8')::jsonb AS e FROM tlog_pending
       UNION ALL SELECT idx - 1e12, convert_from(data, 'UTF8')::jsonb FROM tlog_entries) l ORDER BY o`,
  );
  return rows.map((r) => r.e).filter((e) => String(e.type).startsWith(prefix));
}

/**
 * The workspaces of the control plane that starts after the test app's has died: the plugin alone,
 * on the same database and store, once its reconciler has been through every workspace.
 */
export async function successorWorkspaces(
  t: { teardown(fn: () => unknown): void },
  dead: { app: FastifyInstance; pool: pg.Pool; store: ObjectStore; config: Config },
): Promise<FastifyInstance> {
  const successor = Fastify();
  await successor.register(workspaces, {
    config: dead.config,
    pool: dead.pool,
    log: new TransparencyLog(),
    store: dead.store,
    logger: dead.app.log as never,
  });
  t.teardown(() => successor.close());
  await successor.ready();
  await successor.workspaces.reconciler.reconcileAll();
  await successor.workspaces.reconciler.settle();
  return successor;
}
