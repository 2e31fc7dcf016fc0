import * as Minio from 'minio';
import { KlarsynError } from '../errors.js';

/** Where the S3 driver keeps objects; `endpoint` is a URL, its scheme deciding TLS. */
export interface S3Settings {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

export function s3Client(settings: S3Settings): Minio.Client {
  const url = new URL(settings.endpoint);
  const useSSL = url.protocol === 'https:';
  return new Minio.Client({
    endPoint: url.hostname,
    port: Number(url.port || (useSSL ? 443 : 80)),
    useSSL,
    region: settings.region,
    accessKey: settings.accessKey,
    secretKey: settings.secretKey,
  });
}

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound']);
const FORBIDDEN = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken']);
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/** Maps S3 and network errors onto the store's error contract (object-store.ts). */
export function s3Error(error: unknown, what: string): KlarsynError {
  if (error instanceof KlarsynError) return error;
  const code = String((error as { code?: unknown } | undefined)?.code);
  const options = { details: { key: what, s3Code: code }, cause: error };
  if (NOT_FOUND.has(code)) return new KlarsynError('not_found', `no object ${what}`, options);
  if (FORBIDDEN.has(code)) {
    return new KlarsynError('forbidden', `object storage refused access to ${what} (${code})`, options);
  }
  if (UNREACHABLE.has(code)) {
    return new KlarsynError('unavailable', `object storage is unreachable (${code})`, options);
  }
  return new KlarsynError('internal', `object storage failed on ${what} (${code})`, options);
}
