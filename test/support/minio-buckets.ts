// Throwaway buckets on the dev MinIO for storage tests: one per test, removed with its contents.
import type { Test } from 'tap';
import type { S3Settings } from '../../control-plane/src/storage/s3-client.js';
import { type MinioConnection, minioClient, uniqueName } from './dev-services.js';

export function s3Settings(conn: MinioConnection, bucket: string): S3Settings {
  return {
    endpoint: conn.url,
    accessKey: conn.accessKey,
    secretKey: conn.secretKey,
    bucket,
    region: conn.region,
  };
}

/** A fresh bucket name whose bucket (if a test creates it) is emptied and removed at teardown. */
export function throwawayBucket(t: Test, conn: MinioConnection, prefix = 'storage'): string {
  const bucket = uniqueName(prefix);
  t.teardown(async () => {
    const root = minioClient(conn);
    if (!(await root.bucketExists(bucket))) return;
    const names: string[] = [];
    for await (const item of root.listObjectsV2(bucket, '', true)) if (item.name) names.push(item.name);
    if (names.length > 0) await root.removeObjects(bucket, names);
    await root.removeBucket(bucket);
  });
  return bucket;
}
