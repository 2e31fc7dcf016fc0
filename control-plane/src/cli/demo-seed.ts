import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { findAccountByUsername, principalOf } from '../auth/accounts.js';
import { upsertLocalAccount } from '../auth/local-accounts.js';
import type { Principal, RoleGrant } from '../auth/principal.js';
import { parseCatalogFile } from '../catalog/catalog-file.js';
import { publishCatalog } from '../catalog/publish.js';
import { loadCatalog } from '../catalog/store.js';
import { inTransaction } from '../db/transaction.js';
import { ReleaseService } from '../outputs/release/index.js';
import { readPolicyFile } from '../policy-files.js';
import type { Application } from '../projects/application.js';
import { listProjects } from '../projects/store.js';
import { ProjectWorkflow } from '../projects/workflow.js';
import { outboxPrefix } from '../storage/layout.js';
import type { ObjectStore } from '../storage/object-store.js';
import { generateSynthetic } from '../synth/generate.js';

/** Demo accounts share one documented password: the demo is for walking through, not for data. */
export const DEMO_PASSWORD = 'klarsyn-demo-2026';

export const DEMO_ACCOUNTS: { username: string; displayName: string; grants: RoleGrant[]; does: string }[] = [
  {
    username: 'admin',
    displayName: 'Demo administrator',
    grants: [{ role: 'admin' }],
    does: 'accounts, templates, policies',
  },
  {
    username: 'forsker',
    displayName: 'Demo researcher',
    grants: [{ role: 'researcher' }],
    does: 'applies, analyses, requests release',
  },
  {
    username: 'steward-sds',
    displayName: 'Demo steward, SDS',
    grants: [{ role: 'steward', authority: 'SDS' }],
    does: 'approves SDS sources',
  },
  {
    username: 'steward-dst',
    displayName: 'Demo steward, DST',
    grants: [{ role: 'steward', authority: 'DST' }],
    does: 'approves DST sources',
  },
  {
    username: 'reviewer1',
    displayName: 'Demo output reviewer 1',
    grants: [{ role: 'reviewer' }],
    does: 'reviews release requests',
  },
  {
    username: 'reviewer2',
    displayName: 'Demo output reviewer 2',
    grants: [{ role: 'reviewer' }],
    does: 'reviews release requests',
  },
];

const year = new Date().getUTCFullYear();
export const DEMO_APPLICATION: Application = {
  title: 'Antidepressant use after a type 2 diabetes diagnosis (demo)',
  purpose:
    'Describe how often persons diagnosed with type 2 diabetes redeem antidepressants (ATC N06A), by region and sex, to plan a follow-up study.',
  institution: 'Klarsyn demo university',
  legalBasis: 'GDPR art. 6(1)(e) and 9(2)(j); Danish Data Protection Act § 10',
  period: { from: '2019-01-01', to: '2023-12-31' },
  deletionDate: `${year + 3}-12-31`,
  variables: [
    { source: 'lmdb', variable: 'pnr', justification: 'link prescriptions to the person (pseudonymised)' },
    { source: 'lmdb', variable: 'eksd', justification: 'time of redemption relative to diagnosis' },
    { source: 'lmdb', variable: 'atc', justification: 'drug class' },
    { source: 'bef', variable: 'koen', justification: 'stratify by sex' },
    { source: 'bef', variable: 'reg', justification: 'stratify by region' },
    { source: 'bef', variable: 'foed_dag', justification: 'age groups (generalised to birth year)' },
  ],
  cohort: { match: 'any', criteria: [{ source: 'diagnoser', variable: 'diagnosekode', prefixes: ['DE11'] }] },
};

/** Size of the demo's synthetic population: big enough for real-looking tables, small enough to make in seconds. */
export const DEMO_PERSONS = 20_000;

/**
 * Makes the demo walkable: accounts for every role, synthetic registers and their catalog, and one
 * approved sample project with its first extract. Idempotent, so a restart keeps what people did.
 */
export async function seedDemo(
  pool: pg.Pool,
  data?: { app: FastifyInstance; store: ObjectStore },
): Promise<void> {
  if (data) await seedRegisters(data.store);
  const created = await seedAccountsCatalogProject(pool);
  if (created && data) {
    await requestFirstExtract(data.app, created);
    await releaseSampleTable(pool, data.store, created);
  }
}

/** A benign table the sample project released: its hash is in the public register from the start. */
const DEMO_TABLE = `region,sex,patients
Hovedstaden,F,1336
Hovedstaden,M,1115
Midtjylland,F,1021
Midtjylland,M,889
Nordjylland,F,452
Nordjylland,M,398
Sjælland,F,639
Sjælland,M,571
Syddanmark,F,938
Syddanmark,M,817
`;
const DEMO_TABLE_METADATA = `files:
  - path: patients_by_region_sex.csv
    kind: frequency
    dimensions: [region, sex]
    counts: [patients]
`;

/**
 * Walks one release request through the whole workflow as the demo's people would: the researcher
 * submits a table from an outbox, both reviewers approve it, one releases it.
 */
async function releaseSampleTable(pool: pg.Pool, store: ObjectStore, projectId: string): Promise<void> {
  const principal = async (username: string) =>
    principalOf((await findAccountByUsername(pool, username))!, 'password');
  const researcher = await principal('forsker');
  const reviewers = [await principal('reviewer1'), await principal('reviewer2')];
  // The outbox of a workspace the demo does not start: the table is what an analysis there wrote.
  const workspaceId = randomUUID();
  await store.put(
    `${outboxPrefix(projectId, workspaceId)}patients_by_region_sex.csv`,
    Buffer.from(DEMO_TABLE),
  );
  await store.put(`${outboxPrefix(projectId, workspaceId)}outputs.yaml`, Buffer.from(DEMO_TABLE_METADATA));
  const releases = new ReleaseService({ pool, log: new TransparencyLog(), store });
  const draft = await releases.create(researcher, projectId, {
    workspaceId,
    files: ['patients_by_region_sex.csv'],
    context: 'Persons with type 2 diabetes redeeming an antidepressant, by region and sex (demo table).',
  });
  await releases.submit(researcher, draft.id);
  for (const reviewer of reviewers) {
    await releases.vote(reviewer, draft.id, { file: 'patients_by_region_sex.csv', vote: 'approve' });
  }
  await releases.approve(reviewers[0] as Principal, draft.id);
  await releases.release(reviewers[1] as Principal, draft.id);
}

/** Writes the synthetic registers into object storage once, where the catalog says they live. */
async function seedRegisters(store: ObjectStore): Promise<void> {
  for await (const _ of store.list('registers/')) return;
  process.stderr.write(`klarsyn demo: generating synthetic registers for ${DEMO_PERSONS} persons …\n`);
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-demo-registers-'));
  try {
    await generateSynthetic({ persons: DEMO_PERSONS, seed: 'demo', out: dir, format: 'parquet' });
    for (const table of readdirSync(join(dir, 'registers'))) {
      for (const file of readdirSync(join(dir, 'registers', table))) {
        await store.put(`registers/${table}/${file}`, readFileSync(join(dir, 'registers', table, file)));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The sample project's first extract, made through the API as the researcher would. */
async function requestFirstExtract(app: FastifyInstance, projectId: string): Promise<void> {
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'forsker', password: DEMO_PASSWORD },
  });
  await app.inject({
    method: 'POST',
    url: `/api/v1/projects/${projectId}/extracts`,
    headers: { authorization: `Bearer ${login.json().accessToken}` },
  });
}

/** Returns the sample project's id when this call created it. */
async function seedAccountsCatalogProject(pool: pg.Pool): Promise<string | undefined> {
  for (const a of DEMO_ACCOUNTS) await upsertLocalAccount(pool, { ...a, password: DEMO_PASSWORD }, true);
  const log = new TransparencyLog();
  if ((await loadCatalog(pool)).sources.length === 0) {
    const catalog = parseCatalogFile(readPolicyFile('policies/catalog/synthetic-registers.yaml'));
    await inTransaction(pool, (tx) => publishCatalog(tx, log, catalog, 'operator:demo'));
  }
  const principal = async (username: string) =>
    principalOf((await findAccountByUsername(pool, username))!, 'password');
  const researcher = await principal('forsker');
  if ((await listProjects(pool, { all: false, accountId: researcher.accountId, authorities: [] })).length > 0)
    return;
  const workflow = new ProjectWorkflow(pool, log);
  const project = await workflow.create(researcher, DEMO_APPLICATION);
  await workflow.submit(researcher, project.id);
  await workflow.decide(await principal('steward-sds'), project.id, {
    decision: 'approved',
    reason: 'Proportionate; variables justified.',
  });
  await workflow.decide(await principal('steward-dst'), project.id, {
    decision: 'approved',
    reason: 'Approved for the stated purpose.',
  });
  return project.id;
}
