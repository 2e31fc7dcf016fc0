import { AssumeRoleProvider } from 'minio/dist/esm/AssumeRoleProvider.mjs';
import { KlarsynError } from '../errors.js';
import { type S3Settings, s3Error } from './s3-client.js';
import { type PrefixGrant, sessionPolicy } from './session-policy.js';

/** Everything a workspace needs to reach its objects, e.g. as the data of a Kubernetes Secret. */
export interface ScopedCredentials {
  endpoint: string;
  region: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  sessionToken: string;
  expiresAt: Date;
}

/**
 * STS bounds: 15 minutes is the protocol's minimum; 12 hours is AWS's maximum, and short-lived
 * credentials renewed before expiry keep a leaked secret short-lived too.
 */
export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 43_200;

/**
 * Mints temporary S3 credentials confined to given prefixes (MinIO / S3 STS AssumeRole with an
 * inline session policy); workspaces on Kubernetes get these (invariant 6), e.g. the project's
 * extracts read-only and their own outbox read-write. The directory driver has no counterpart:
 * the local sandbox bind-mounts the same two directories instead (`DirectoryStore.hostPath`).
 */
export class ScopedCredentialIssuer {
  constructor(private readonly settings: S3Settings) {}

  async issue(grant: PrefixGrant, durationSeconds: number): Promise<ScopedCredentials> {
    if (
      !Number.isInteger(durationSeconds) ||
      durationSeconds < MIN_DURATION_SECONDS ||
      durationSeconds > MAX_DURATION_SECONDS
    ) {
      throw new KlarsynError(
        'validation_failed',
        `credential lifetime must be ${MIN_DURATION_SECONDS}–${MAX_DURATION_SECONDS} seconds`,
        { details: { durationSeconds } },
      );
    }
    const { endpoint, region, bucket, accessKey, secretKey } = this.settings;
    const provider = new AssumeRoleProvider({
      stsEndpoint: endpoint,
      accessKey,
      secretKey,
      region,
      durationSeconds,
      policy: sessionPolicy(bucket, grant),
    });
    // performRequest (not getCredentials) because it also returns the expiry.
    const response = await provider.performRequest().catch((error) => {
      throw s3Error(error, 'STS AssumeRole');
    });
    if (response.ErrorResponse) {
      const { Code: code, Message: message } = response.ErrorResponse.Error ?? {};
      throw s3Error({ code, message }, 'STS AssumeRole');
    }
    const issued = response.AssumeRoleResponse.AssumeRoleResult.Credentials;
    return {
      endpoint,
      region,
      bucket,
      accessKey: issued.AccessKeyId,
      secretKey: issued.SecretAccessKey,
      sessionToken: issued.SessionToken,
      expiresAt: new Date(issued.Expiration),
    };
  }
}
