// Proof that the MinIO the tests use is the real server: objects round-trip, and STS AssumeRole
// with an inline session policy yields credentials confined to one prefix — the mechanism that
// gives each workspace access to its own prefixes only.
import { AssumeRoleProvider } from 'minio/dist/esm/AssumeRoleProvider.mjs';
import t from 'tap';
import { minioClient, minioConnection, uniqueName } from '../../support/dev-services.js';

const conn = minioConnection();
const root = minioClient(conn);

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function s3ErrorCode(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
  return 'accepted';
}

async function emptyAndRemove(bucket: string) {
  const names: string[] = [];
  for await (const item of root.listObjectsV2(bucket, '', true)) if (item.name) names.push(item.name);
  if (names.length > 0) await root.removeObjects(bucket, names);
  await root.removeBucket(bucket);
}

t.test('MinIO stores and returns an object', async (t) => {
  const bucket = uniqueName('dev-services');
  await root.makeBucket(bucket, conn.region);
  t.teardown(() => emptyAndRemove(bucket));

  t.ok(await root.bucketExists(bucket), 'bucket exists after makeBucket');
  await root.putObject(bucket, 'hello.txt', 'hello, register');
  t.equal(await text(await root.getObject(bucket, 'hello.txt')), 'hello, register');
  const stat = await root.statObject(bucket, 'hello.txt');
  t.equal(stat.size, 'hello, register'.length);
});

t.test('STS AssumeRole credentials with a session policy reach only their prefix', async (t) => {
  const bucket = uniqueName('dev-services-sts');
  await root.makeBucket(bucket, conn.region);
  t.teardown(() => emptyAndRemove(bucket));
  await root.putObject(bucket, 'ws-a/input.csv', 'a,b\n1,2\n');
  await root.putObject(bucket, 'ws-b/secret.csv', 'not yours\n');

  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: [`arn:aws:s3:::${bucket}/ws-a/*`],
      },
    ],
  });
  const provider = new AssumeRoleProvider({
    stsEndpoint: conn.url,
    accessKey: conn.accessKey,
    secretKey: conn.secretKey,
    region: conn.region,
    durationSeconds: 900,
    policy,
  });
  const credentials = await provider.getCredentials();
  t.ok(credentials.sessionToken, 'AssumeRole returned a session token');
  t.not(credentials.accessKey, conn.accessKey, 'temporary access key differs from the root key');
  const scoped = minioClient(conn, credentials);

  t.equal(await text(await scoped.getObject(bucket, 'ws-a/input.csv')), 'a,b\n1,2\n', 'reads its prefix');
  await scoped.putObject(bucket, 'ws-a/output.csv', 'result\n');
  t.equal(await text(await root.getObject(bucket, 'ws-a/output.csv')), 'result\n', 'writes its prefix');

  t.equal(
    await s3ErrorCode(scoped.getObject(bucket, 'ws-b/secret.csv')),
    'AccessDenied',
    'cannot read another prefix',
  );
  t.equal(
    await s3ErrorCode(scoped.putObject(bucket, 'ws-b/planted.csv', 'x')),
    'AccessDenied',
    'cannot write another prefix',
  );
  t.equal(
    await s3ErrorCode(scoped.putObject(bucket, 'top-level.csv', 'x')),
    'AccessDenied',
    'cannot write outside any prefix',
  );
  t.equal(
    await s3ErrorCode(scoped.makeBucket(uniqueName('dev-services-other'), conn.region)),
    'AccessDenied',
    'cannot create buckets',
  );
  t.equal(
    await s3ErrorCode(root.statObject(bucket, 'ws-b/planted.csv')),
    'NotFound',
    'the refused write left nothing behind',
  );
});
