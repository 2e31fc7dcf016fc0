import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Client } from 'minio';
import { assertDigestMatches, assertPutOptions } from './digest.js';
import { assertNonEmptyPrefix, assertObjectKey, assertPrefix, isObjectKey } from './object-key.js';
import type { ObjectInfo, ObjectStore, PutOptions, PutResult } from './object-store.js';
import { type S3Settings, s3Client, s3Error } from './s3-client.js';
import { spoolToFile } from './spool.js';

type DeleteFailureDetail = { Code?: string; Key?: string };
type DeleteFailure = DeleteFailureDetail & { Error?: DeleteFailureDetail };

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;

/**
 * The production driver: one bucket on MinIO or S3 (created at open if missing). A put first
 * spools the body to a local temporary file, hashing it: so the digest is checked before anything
 * is sent (a mismatch never replaces the stored object), and the upload has a known size (bounded
 * part buffers instead of the client's 5 TiB guess). S3 makes each object visible in one step.
 */
export class S3Store implements ObjectStore {
  readonly driver = 's3';

  private constructor(
    private readonly client: Client,
    readonly bucket: string,
  ) {}

  static async open(settings: S3Settings): Promise<S3Store> {
    const client = s3Client(settings);
    try {
      const exists = await client.bucketExists(settings.bucket);
      if (!exists) await client.makeBucket(settings.bucket, settings.region);
    } catch (error) {
      // Another control-plane replica may have created it in between.
      const raced = (error as { code?: string }).code === 'BucketAlreadyOwnedByYou';
      if (!raced) throw s3Error(error, settings.bucket);
    }
    return new S3Store(client, settings.bucket);
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<PutResult> {
    assertObjectKey(key);
    assertPutOptions(options);
    const spool = join(tmpdir(), `klarsyn-s3-${randomUUID()}`);
    const spooled = await spoolToFile(body, spool, false);
    try {
      assertDigestMatches(key, options.sha256, spooled.sha256);
      await this.client
        .putObject(this.bucket, key, createReadStream(spool), spooled.size)
        .catch(async (error) => {
          // A large body goes up in parts; leave no orphaned parts behind a failed upload.
          await this.client.removeIncompleteUpload(this.bucket, key).catch(() => {});
          throw s3Error(error, key);
        });
    } finally {
      await unlink(spool).catch(() => {});
    }
    return { key, ...spooled };
  }

  async get(key: string): Promise<Readable> {
    assertObjectKey(key);
    return this.client.getObject(this.bucket, key).catch((error) => {
      throw s3Error(error, key);
    });
  }

  async stat(key: string): Promise<ObjectInfo> {
    assertObjectKey(key);
    const stat = await this.client.statObject(this.bucket, key).catch((error) => {
      throw s3Error(error, key);
    });
    return { key, size: stat.size, lastModified: stat.lastModified };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertPrefix(prefix);
    for await (const item of this.objects(prefix)) {
      if (isObjectKey(item.key)) yield item;
    }
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    await this.client.removeObject(this.bucket, key).catch((error) => {
      throw s3Error(error, key);
    });
  }

  /** Removes everything under the prefix, names outside the key grammar included; counts objects. */
  async deletePrefix(prefix: string): Promise<number> {
    assertNonEmptyPrefix(prefix);
    let count = 0;
    let batch: string[] = [];
    for await (const item of this.objects(prefix)) {
      batch.push(item.key);
      if (isObjectKey(item.key)) count++;
      if (batch.length === DELETE_BATCH) {
        await this.removeBatch(batch, prefix);
        batch = [];
      }
    }
    if (batch.length > 0) await this.removeBatch(batch, prefix);
    return count;
  }

  /** Every object name under the prefix, in S3's (byte) order. */
  private async *objects(prefix: string): AsyncIterable<ObjectInfo> {
    try {
      for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
        if (item.name !== undefined)
          yield { key: item.name, size: item.size, lastModified: item.lastModified };
      }
    } catch (error) {
      throw s3Error(error, prefix);
    }
  }

  private async removeBatch(keys: string[], prefix: string): Promise<void> {
    const results = await this.client.removeObjects(this.bucket, keys).catch((error) => {
      throw s3Error(error, prefix);
    });
    // Quiet mode: the response lists failures only. minio 8 returns the <Error> elements themselves,
    // though its types wrap them in `{ Error }`; accept both shapes.
    const failure = results.find(Boolean) as DeleteFailure | undefined;
    if (failure) {
      const detail = failure.Error ?? failure;
      throw s3Error({ code: detail.Code }, detail.Key ?? prefix);
    }
  }
}
