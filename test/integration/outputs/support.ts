// A release-workflow test bed: an approved project of anna's, independent reviewers, and files put
// straight into a workspace outbox of the project (as a workspace would write them).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { outboxPrefix } from '../../../control-plane/src/storage/layout.js';
import { addAccount, bearer, buildTestApp, login } from '../../support/app.js';
import { approvedProjectWithExtract, type Headers, seed } from '../workspaces/support.js';

export { logEvents } from '../workspaces/support.js';

const BENIGN = 'test/fixtures/outputs/benign';

/** Two benign tables (pass under sds) and the outputs.yaml that declares them. */
export const BENIGN_FILES: Record<string, string> = {
  'patients_by_region_sex_2023.csv': readFileSync(join(BENIGN, 'patients_by_region_sex_2023.csv'), 'utf8'),
  'model.csv': readFileSync(join(BENIGN, 'model.csv'), 'utf8'),
  'outputs.yaml': `files:
  - {path: patients_by_region_sex_2023.csv, kind: frequency, dimensions: [region, sex], counts: [patients]}
  - {path: model.csv, kind: regression, residual_df: 24567}
`,
};

/** One person per row: CPR-shaped identifiers. The checker blocks it whatever the metadata says. */
export const ROWS_CSV = 'person,visits\n010190-1234,3\n020285-2345,1\n030370-3456,4\n';

type Test = Parameters<typeof buildTestApp>[0];

export async function releaseBed(t: Test) {
  const ctx = await buildTestApp(t, { 'workspaces.reconcileIntervalSeconds': 3600 });
  const people = await seed(ctx, ctx.store);
  const projectId = await approvedProjectWithExtract(ctx.app, people.anna, { extract: false });
  for (const r of ['rev1', 'rev2', 'rev3']) await addAccount(ctx.pool, r, [{ role: 'reviewer' }]);
  const workspaceId = randomUUID();
  const put = async (files: Record<string, string>, ws = workspaceId, project = projectId) => {
    for (const [name, text] of Object.entries(files)) {
      await ctx.store.put(`${outboxPrefix(project, ws)}${name}`, Buffer.from(text));
    }
  };
  const rev = async (name: string) => bearer(await login(ctx.app, name));
  return {
    ...ctx,
    ...people,
    projectId,
    workspaceId,
    put,
    rev1: await rev('rev1'),
    rev2: await rev('rev2'),
    rev3: await rev('rev3'),
  };
}

export type Bed = Awaited<ReturnType<typeof releaseBed>>;

export function api(app: FastifyInstance) {
  return async (
    headers: Headers,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ) => {
    const res = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return {
      status: res.statusCode,
      body: String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body,
      res,
    };
  };
}

/** Composes and submits a request of anna's from the outbox; returns its view. */
export async function submitted(bed: Bed, files: string[], context = 'Persons by region and sex, 2023') {
  const call = api(bed.app);
  const draft = await call(bed.anna, 'POST', `/projects/${bed.projectId}/release-requests`, {
    workspaceId: bed.workspaceId,
    files,
    context,
  });
  if (draft.status !== 201) throw new Error(`compose failed: ${draft.status} ${JSON.stringify(draft.body)}`);
  const sub = await call(bed.anna, 'POST', `/release-requests/${draft.body.id}/submit`, {});
  if (sub.status !== 200) throw new Error(`submit failed: ${sub.status} ${JSON.stringify(sub.body)}`);
  return sub.body;
}

export async function counts(bed: Bed) {
  const q = async (sql: string) => (await bed.pool.query(sql)).rows[0].n as number;
  return {
    requests: await q('SELECT count(*)::int AS n FROM release_requests'),
    files: await q('SELECT count(*)::int AS n FROM release_files'),
    votes: await q('SELECT count(*)::int AS n FROM release_votes'),
    logged: await q(
      'SELECT ((SELECT count(*) FROM tlog_pending) + (SELECT count(*) FROM tlog_entries))::int AS n',
    ),
  };
}
