// The production driver against real MinIO (infra/dev, or MINIO_* for an external one): the shared
// contract, then what only S3 can get wrong. Without MinIO this file fails with the reason.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { loadConfig } from '../../../control-plane/src/config/load.js';
import { outboxPrefix } from '../../../control-plane/src/storage/layout.js';
import { openStorage } from '../../../control-plane/src/storage/open-store.js';
import { S3Store } from '../../../control-plane/src/storage/s3-store.js';
import { minioClient, minioConnection } from '../../support/dev-services.js';
import { s3Settings, throwawayBucket } from '../../support/minio-buckets.js';
import { bytesOf, codeOf, keysOf, objectStoreContract, textOf } from '../../support/object-store-contract.js';

const conn = minioConnection();
const root = minioClient(conn);

async function openStore(t: Test): Promise<S3Store> {
  return S3Store.open(s3Settings(conn, throwawayBucket(t, conn)));
}

t.test('contract', async (t) => {
  objectStoreContract(t, openStore);
});

t.test('open creates a missing bucket and reuses an existing one', async (t) => {
  const bucket = throwawayBucket(t, conn);
  t.notOk(await root.bucketExists(bucket));
  const store = await S3Store.open(s3Settings(conn, bucket));
  t.ok(await root.bucketExists(bucket), 'created');
  await store.put('kept', Buffer.from('x'));
  const again = await S3Store.open(s3Settings(conn, bucket));
  t.equal(await textOf(again, 'kept'), 'x', 'a second open finds the objects');
});

t.test('openStorage picks the s3 driver from configuration, with a credential issuer', async (t) => {
  const bucket = throwawayBucket(t, conn);
  const storage = await openStorage(
    loadConfig({
      env: {
        HOME: '/nonexistent',
        KLARSYN_STORAGE__DRIVER: 's3',
        KLARSYN_STORAGE__ENDPOINT: conn.url,
        KLARSYN_STORAGE__ACCESS_KEY: conn.accessKey,
        KLARSYN_STORAGE__SECRET_KEY: conn.secretKey,
        KLARSYN_STORAGE__BUCKET: bucket,
        KLARSYN_STORAGE__REGION: conn.region,
      },
    }),
  );
  t.equal(storage.driver, 's3');
  if (storage.driver !== 's3') return;
  t.equal(storage.store.bucket, bucket);
  t.ok(await root.bucketExists(bucket));
  t.ok(storage.credentials, 'workspaces can be given scoped credentials');
});

t.test('a body larger than one upload part goes up in parts and round-trips', async (t) => {
  const store = await openStore(t);
  const chunk = randomBytes(1 << 20);
  const chunks = 65; // minio-js uploads in 64 MiB parts
  const hash = createHash('sha256');
  for (let i = 0; i < chunks; i++) hash.update(chunk);
  const body = Readable.from(
    (function* () {
      for (let i = 0; i < chunks; i++) yield chunk;
    })(),
  );
  const result = await store.put('big/extract.parquet', body);
  t.equal(result.size, chunks << 20);
  t.equal(result.sha256, hash.digest('hex'));
  const back = createHash('sha256').update(await bytesOf(await store.get('big/extract.parquet')));
  t.equal(back.digest('hex'), result.sha256, 'same bytes back');
});

t.test(
  'names outside the key grammar, written around the store, are not listed but are deleted',
  async (t) => {
    const store = await openStore(t);
    const outbox = outboxPrefix('p1', 'ws1');
    await store.put(`${outbox}table1.csv`, Buffer.from('n\n12\n'));
    // A workspace writes with its own S3 client and may use any name S3 accepts.
    await root.putObject(store.bucket, `${outbox}tabel æøå.csv`, Buffer.from('x'));
    await root.putObject(store.bucket, `${outbox}.ipynb_checkpoints/a.ipynb`, Buffer.from('x'));
    t.same(await keysOf(store, outbox), [`${outbox}table1.csv`]);
    t.equal(await store.deletePrefix(outbox), 1, 'counts objects');
    const left: string[] = [];
    for await (const item of root.listObjectsV2(store.bucket, '', true)) if (item.name) left.push(item.name);
    t.same(left, [], 'and removes everything under the prefix');
  },
);

t.test('refused credentials are forbidden, an unreachable endpoint unavailable', async (t) => {
  const bucket = throwawayBucket(t, conn);
  t.equal(
    await codeOf(() => S3Store.open({ ...s3Settings(conn, bucket), secretKey: 'not-the-secret' })),
    'forbidden',
  );
  t.equal(
    await codeOf(() => S3Store.open({ ...s3Settings(conn, bucket), endpoint: 'http://127.0.0.1:1' })),
    'unavailable',
  );
});
