import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { KlarsynError } from '../errors.js';
import { DirectoryStore } from './directory-store.js';
import { S3Store } from './s3-store.js';
import { ScopedCredentialIssuer } from './scoped-credentials.js';

/**
 * The configured object storage. Callers narrow on `driver`: the Kubernetes workspace runtime needs
 * `credentials` (s3), the local sandbox needs `store.hostPath` (directory).
 */
export type Storage =
  | { driver: 'directory'; store: DirectoryStore }
  | { driver: 's3'; store: S3Store; credentials: ScopedCredentialIssuer };

export async function openStorage(config: Pick<Config, 'dataDir' | 'storage'>): Promise<Storage> {
  const settings = config.storage;
  if (settings.driver === 'directory') {
    return {
      driver: 'directory',
      store: await DirectoryStore.open(settings.root ?? join(config.dataDir, 'objects')),
    };
  }
  const { endpoint, accessKey, secretKey, bucket, region } = settings;
  // The schema requires these for s3; this keeps a hand-built Config from failing obscurely.
  if (!endpoint || !accessKey || !secretKey) {
    throw new KlarsynError(
      'config_invalid',
      'storage.driver s3 needs storage.endpoint, accessKey and secretKey',
    );
  }
  const s3 = { endpoint, accessKey, secretKey, bucket, region };
  return { driver: 's3', store: await S3Store.open(s3), credentials: new ScopedCredentialIssuer(s3) };
}
