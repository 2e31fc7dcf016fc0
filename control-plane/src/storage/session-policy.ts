import { KlarsynError } from '../errors.js';
import { assertNonEmptyPrefix } from './object-key.js';

/** Which subtrees of the bucket a set of temporary credentials may touch, and how. */
export interface PrefixGrant {
  readOnly: string[];
  readWrite: string[];
}

/** STS refuses inline session policies longer than this (AWS AssumeRole; MinIO enforces it too). */
export const MAX_SESSION_POLICY_LENGTH = 2048;

/**
 * The inline session policy for STS AssumeRole. The credentials it yields can do the intersection
 * of this and the issuing user's own policy — never more. Objects: read under every granted prefix,
 * write and delete (including multipart uploads) only under read-write ones. Listing: only with a
 * `prefix` inside a granted subtree, so another project's object names stay hidden too.
 * GetBucketLocation reveals only the region; S3 clients ask for it before anything else.
 */
export function sessionPolicy(bucket: string, grant: PrefixGrant): string {
  const prefixes = [...grant.readOnly, ...grant.readWrite];
  if (prefixes.length === 0) {
    throw new KlarsynError('validation_failed', 'a credential grant needs at least one prefix');
  }
  for (const prefix of prefixes) assertNonEmptyPrefix(prefix);
  const objects = (list: string[]) => list.map((prefix) => `arn:aws:s3:::${bucket}/${prefix}*`);
  const statements: object[] = [
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: objects(prefixes) },
    {
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [`arn:aws:s3:::${bucket}`],
      Condition: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}*`) } },
    },
    { Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: [`arn:aws:s3:::${bucket}`] },
  ];
  if (grant.readWrite.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Resource: objects(grant.readWrite),
    });
  }
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: statements });
  if (policy.length > MAX_SESSION_POLICY_LENGTH) {
    throw new KlarsynError(
      'validation_failed',
      `the session policy exceeds ${MAX_SESSION_POLICY_LENGTH} characters`,
      {
        details: { length: policy.length, prefixes: prefixes.length },
      },
    );
  }
  return policy;
}
