import { KlarsynError } from '../errors.js';

/**
 * The grammar of object keys, shared by every driver so a key means the same object on disk and in
 * S3. Keys are `/`-separated segments of a small ASCII set: no `.`/`..` segments, no leading `/`,
 * no backslashes, no empty segments, so a key can never name a path outside the store's root.
 * Segments may not start with `.`: drivers keep their own bookkeeping (temporary files) in
 * dot-names that no key can reach. ASCII only, so JavaScript string order is S3's byte order.
 */
const SEGMENT = /^[A-Za-z0-9_(),+=@-][A-Za-z0-9 ._(),+=@-]*$/;
/** S3's key limit; a segment is a file name on disk, so it also keeps to NAME_MAX. */
export const MAX_KEY_LENGTH = 1024;
export const MAX_SEGMENT_LENGTH = 255;

function segmentProblem(segment: string): string | undefined {
  if (segment.length === 0) return 'has an empty segment';
  if (segment.length > MAX_SEGMENT_LENGTH) return `has a segment longer than ${MAX_SEGMENT_LENGTH}`;
  if (segment.startsWith('.')) return 'has a segment starting with "."';
  if (segment.endsWith(' ')) return 'has a segment ending with a space';
  if (!SEGMENT.test(segment)) return 'has characters outside A-Z a-z 0-9 space . _ ( ) , + = @ -';
  return undefined;
}

function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'is not a string';
  if (key.length > MAX_KEY_LENGTH) return `is longer than ${MAX_KEY_LENGTH}`;
  for (const segment of key.split('/')) {
    const problem = segmentProblem(segment);
    if (problem) return problem;
  }
  return undefined;
}

export function isObjectKey(key: unknown): key is string {
  return keyProblem(key) === undefined;
}

/** Throws `validation_failed` naming the rule a key breaks. */
export function assertObjectKey(key: unknown): asserts key is string {
  const problem = keyProblem(key);
  if (problem) {
    throw new KlarsynError('validation_failed', `object key ${JSON.stringify(key)} ${problem}`, {
      details: { key },
    });
  }
}

/**
 * Prefixes are whole segments: `''` (everything) or a key followed by `/`. So `projects/p1/`
 * never matches `projects/p10/...`, and a prefix is a directory on disk.
 */
export function assertPrefix(prefix: unknown): asserts prefix is string {
  if (prefix === '') return;
  const problem =
    typeof prefix !== 'string' ? 'is not a string' : !prefix.endsWith('/') ? 'must end with "/"' : undefined;
  const inner = problem ?? keyProblem((prefix as string).slice(0, -1));
  if (inner) {
    throw new KlarsynError('validation_failed', `object prefix ${JSON.stringify(prefix)} ${inner}`, {
      details: { prefix },
    });
  }
}

/** A prefix that names something: refuses `''`, so no single call can address the whole store. */
export function assertNonEmptyPrefix(prefix: unknown): asserts prefix is string {
  if (prefix === '') {
    throw new KlarsynError('validation_failed', 'the empty prefix (the whole store) is not allowed here');
  }
  assertPrefix(prefix);
}
