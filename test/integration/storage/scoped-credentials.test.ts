// Invariant 6 against real MinIO: the STS credentials a workspace gets read its project's extracts,
// write its own outbox, and are refused everywhere else — another project, another workspace's
// outbox, the release area, the bucket itself. Without MinIO this file fails with the reason.
import t from 'tap';
import {
  extractsPrefix,
  outboxPrefix,
  releasePrefix,
  workspaceGrant,
} from '../../../control-plane/src/storage/layout.js';
import { S3Store } from '../../../control-plane/src/storage/s3-store.js';
import {
  MAX_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  ScopedCredentialIssuer,
} from '../../../control-plane/src/storage/scoped-credentials.js';
import { minioClient, minioConnection, uniqueName } from '../../support/dev-services.js';
import { s3Settings, throwawayBucket } from '../../support/minio-buckets.js';
import { bytesOf, codeOf, textOf } from '../../support/object-store-contract.js';

const conn = minioConnection();

/** What S3 answers: 'ok', or the error code (AccessDenied, NoSuchKey, ...). */
async function s3Outcome(request: () => Promise<unknown>): Promise<string> {
  try {
    await request();
    return 'ok';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
}

t.test('invariant 6: workspace credentials reach their extracts and outbox only', async (t) => {
  const settings = s3Settings(conn, throwawayBucket(t, conn, 'scoped'));
  const store = await S3Store.open(settings);
  const bucket = store.bucket;
  const own = `${extractsPrefix('p1')}v1/bef.parquet`;
  const otherProject = `${extractsPrefix('p2')}v1/bef.parquet`;
  const release = `${releasePrefix('p1', 'r1')}table1.csv`;
  const outbox = outboxPrefix('p1', 'ws-a');
  const neighbour = `${outboxPrefix('p1', 'ws-b')}draft.csv`;
  for (const key of [own, otherProject, release, neighbour])
    await store.put(key, Buffer.from(`content of ${key}`));

  const issued = await new ScopedCredentialIssuer(settings).issue(
    workspaceGrant('p1', 'ws-a'),
    MIN_DURATION_SECONDS,
  );
  t.equal(issued.bucket, bucket);
  t.equal(issued.endpoint, conn.url);
  t.not(issued.accessKey, conn.accessKey, 'temporary keys, not the control plane’s');
  t.ok(issued.sessionToken);
  t.ok(issued.expiresAt.getTime() > Date.now(), 'not yet expired');
  t.ok(issued.expiresAt.getTime() <= Date.now() + (MIN_DURATION_SECONDS + 60) * 1000, 'expires as asked');
  const workspace = minioClient(conn, issued);

  // Allowed.
  t.equal(
    (await bytesOf(await workspace.getObject(bucket, own))).toString(),
    `content of ${own}`,
    'reads its extract',
  );
  const listed: string[] = [];
  for await (const item of workspace.listObjectsV2(bucket, extractsPrefix('p1'), true))
    listed.push(item.name ?? '');
  t.same(listed, [own], 'lists its extracts');
  await workspace.putObject(bucket, `${outbox}result.csv`, Buffer.from('n\n42\n'));
  t.equal(await textOf(store, `${outbox}result.csv`), 'n\n42\n', 'writes its outbox');
  await workspace.removeObject(bucket, `${outbox}result.csv`);
  t.equal(await codeOf(() => store.stat(`${outbox}result.csv`)), 'not_found', 'deletes in its outbox');

  // Refused.
  const refusals: Array<[string, () => Promise<unknown>]> = [
    ['read another project’s extract', () => workspace.getObject(bucket, otherProject)],
    [
      'list another project’s extracts',
      () => workspace.listObjectsV2(bucket, extractsPrefix('p2'), true).toArray(),
    ],
    ['list the whole bucket', () => workspace.listObjectsV2(bucket, '', true).toArray()],
    [
      'write into its extracts',
      () => workspace.putObject(bucket, `${extractsPrefix('p1')}v1/forged.parquet`, 'x'),
    ],
    ['delete its extract', () => workspace.removeObject(bucket, own)],
    ['read the release area', () => workspace.getObject(bucket, release)],
    [
      'write the release area',
      () => workspace.putObject(bucket, `${releasePrefix('p1', 'r1')}smuggled.csv`, 'x'),
    ],
    ['read a neighbour’s outbox', () => workspace.getObject(bucket, neighbour)],
    [
      'write a neighbour’s outbox',
      () => workspace.putObject(bucket, `${outboxPrefix('p1', 'ws-b')}x.csv`, 'x'),
    ],
    ['write another project’s prefix', () => workspace.putObject(bucket, `${extractsPrefix('p2')}x`, 'x')],
    ['write outside any project', () => workspace.putObject(bucket, 'top-level.csv', 'x')],
    ['create a bucket', () => workspace.makeBucket(uniqueName('scoped-escape'), conn.region)],
  ];
  for (const [what, request] of refusals) t.equal(await s3Outcome(request), 'AccessDenied', `cannot ${what}`);

  t.equal(await textOf(store, own), `content of ${own}`, 'the extract is intact');
  for (const key of [
    `${extractsPrefix('p1')}v1/forged.parquet`,
    `${releasePrefix('p1', 'r1')}smuggled.csv`,
    'top-level.csv',
  ]) {
    t.equal(await codeOf(() => store.stat(key)), 'not_found', `no ${key} was planted`);
  }
});

t.test('invariant 6: two projects’ workspaces cannot see each other’s objects', async (t) => {
  const settings = s3Settings(conn, throwawayBucket(t, conn, 'scoped'));
  const store = await S3Store.open(settings);
  const issuer = new ScopedCredentialIssuer(settings);
  const a = minioClient(conn, await issuer.issue(workspaceGrant('pa', 'w1'), MIN_DURATION_SECONDS));
  const b = minioClient(conn, await issuer.issue(workspaceGrant('pb', 'w1'), MIN_DURATION_SECONDS));
  await a.putObject(store.bucket, `${outboxPrefix('pa', 'w1')}out.csv`, 'a');
  await b.putObject(store.bucket, `${outboxPrefix('pb', 'w1')}out.csv`, 'b');
  t.equal(
    await s3Outcome(() => a.getObject(store.bucket, `${outboxPrefix('pb', 'w1')}out.csv`)),
    'AccessDenied',
  );
  t.equal(
    await s3Outcome(() => b.getObject(store.bucket, `${outboxPrefix('pa', 'w1')}out.csv`)),
    'AccessDenied',
  );
});

t.test('credential requests are validated before STS is asked', async (t) => {
  const issuer = new ScopedCredentialIssuer(s3Settings(conn, 'unused'));
  for (const seconds of [MIN_DURATION_SECONDS - 1, MAX_DURATION_SECONDS + 1, 1000.5]) {
    t.equal(
      await codeOf(() => issuer.issue(workspaceGrant('p1', 'w'), seconds)),
      'validation_failed',
      String(seconds),
    );
  }
  t.equal(await codeOf(() => issuer.issue({ readOnly: [], readWrite: [] }, 900)), 'validation_failed');
  t.equal(await codeOf(() => issuer.issue({ readOnly: [''], readWrite: [] }, 900)), 'validation_failed');
});

t.test('an issuer whose own key is refused gets forbidden, not credentials', async (t) => {
  const issuer = new ScopedCredentialIssuer({ ...s3Settings(conn, 'unused'), secretKey: 'not-the-secret' });
  t.equal(await codeOf(() => issuer.issue(workspaceGrant('p1', 'w'), 900)), 'forbidden');
});
